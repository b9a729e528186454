package domain

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseHoldable: any text is a holdable currency KJB knows, or INVALID_INPUT.
func FuzzParseHoldable(f *testing.F) {
	for _, s := range []string{"USD", "CNY", "CNH", "usd", "", "XXX", "U\x00SD", "JPYY"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseHoldable(s, Field("currency"))
		if err != nil {
			if CodeOf(err) != CodeInvalidInput {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if !c.Holdable() || string(c) != s {
			t.Fatalf("%q parsed to %q", s, c)
		}
	})
}

// FuzzValidateReference: idempotency keys and references are 1–255 printable characters, or
// INVALID_INPUT.
func FuzzValidateReference(f *testing.F) {
	for _, s := range []string{"k1", "", " ", "a\nb", "订单-1688", string(make([]byte, 300)), "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ValidateReference(s, Field("idempotencyKey"))
		if err != nil {
			if CodeOf(err) != CodeInvalidInput {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if got != s || !utf8.ValidString(s) || utf8.RuneCountInString(s) > 255 || s == "" {
			t.Fatalf("%q accepted", s)
		}
	})
}

// FuzzParseMonth: a month is YYYY-MM and round-trips, or INVALID_INPUT.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-10", "2026-13", "0000-01", "9999-12", "2026-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMonth(s, Field("month"))
		if err != nil {
			if CodeOf(err) != CodeInvalidInput {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if m.String() != s || !m.Start().Before(m.End()) {
			t.Fatalf("%q parsed to %s", s, m)
		}
	})
}
