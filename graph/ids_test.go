package graph

import (
	"encoding/base64"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/kjb/kjb/domain"
)

func TestGlobalIDs(t *testing.T) {
	t.Parallel()
	gid := globalID(typeAccount, "01a1fc61-1c2c-79d8-b7bd-71b6bf12ed33")
	if id, err := decodeID(gid, typeAccount); err != nil || id != "01a1fc61-1c2c-79d8-b7bd-71b6bf12ed33" {
		t.Fatalf("round trip: %q %v", id, err)
	}
	for _, bad := range []string{"", "!!", "QWNjb3VudA", globalID(typeTopUp, "x")} {
		if _, err := decodeID(bad, typeAccount, "id"); domain.CodeOf(err) != domain.CodeInvalidInput {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// FuzzDecodeID: an id decodes only when its payload is "Account:<raw id>" with a raw id in UUID
// form, and then to exactly that raw id; anything else is INVALID_INPUT naming the field.
func FuzzDecodeID(f *testing.F) {
	f.Add(globalID(typeAccount, "01a1fc61-1c2c-79d8-b7bd-71b6bf12ed33"))
	f.Add(globalID(typeTopUp, "01a1fc61-1c2c-79d8-b7bd-71b6bf12ed33"))
	f.Add(globalID("Accoun", "t:x"))
	f.Add(globalID(typeAccount, "a:b"))
	f.Add(globalID(typeAccount, "01a1fc61-1c2c-79d8-b7bd-71b6bf12ed3\x00"))
	f.Add(globalID(typeAccount, "01A1FC61-1C2C-79D8-B7BD-71B6BF12ED33"))
	f.Add("QWNjb3VudDo")
	f.Add("")
	f.Add("%%%")
	f.Fuzz(func(t *testing.T, gid string) {
		payload, b64err := base64.RawURLEncoding.DecodeString(gid)
		want, wellFormed := "", false
		if raw, ok := strings.CutPrefix(string(payload), typeAccount+":"); b64err == nil && ok && uuidForm.MatchString(raw) && len(gid) <= 200 {
			want, wellFormed = raw, true
		}
		id, err := decodeID(gid, typeAccount, "id")
		if !wellFormed {
			if es := domain.AsErrors(err); len(es) != 1 || es[0].Code != domain.CodeInvalidInput || !slices.Equal(es[0].Field, []string{"id"}) {
				t.Fatalf("%q (payload %q): want INVALID_INPUT on id, got %q, %v", gid, payload, id, err)
			}
			return
		}
		if err != nil || id != want {
			t.Fatalf("%q (payload %q): want %q, got %q, %v", gid, payload, want, id, err)
		}
		if back, err := decodeID(globalID(typeAccount, id), typeAccount); err != nil || back != id {
			t.Fatalf("%q: re-encoded id decodes to %q, %v", id, back, err)
		}
	})
}

// FuzzCursor: an after-cursor gives a page that resumes after exactly the key it encodes
// ("c:<key>", key non-empty, valid UTF-8 without control characters); anything else is
// INVALID_INPUT naming "after".
func FuzzCursor(f *testing.F) {
	f.Add(encodeCursor("42"))
	f.Add(encodeCursor("2026-01-01T00:00:00Z|01a1fc61"))
	f.Add(base64.RawURLEncoding.EncodeToString([]byte("42")))
	f.Add("Yzo")
	f.Add(encodeCursor("4\x002"))
	f.Add(encodeCursor("4\xff2"))
	f.Add("bm9wZQ")
	f.Add("")
	f.Fuzz(func(t *testing.T, after string) {
		payload, b64err := base64.RawURLEncoding.DecodeString(after)
		key, ok := strings.CutPrefix(string(payload), "c:")
		clean := utf8.ValidString(key) && !strings.ContainsFunc(key, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError })
		valid := after == "" || (b64err == nil && ok && key != "" && clean && utf8.RuneCountInString(key) <= domain.MaxNameLength)
		p, err := page(nil, &after)
		if !valid {
			if es := domain.AsErrors(err); len(es) != 1 || es[0].Code != domain.CodeInvalidInput || !slices.Equal(es[0].Field, []string{"after"}) {
				t.Fatalf("%q (payload %q): want INVALID_INPUT on after, got %+v, %v", after, payload, p, err)
			}
			return
		}
		if err != nil || p.After != key || p.First != domain.DefaultPageSize {
			t.Fatalf("%q (payload %q): want a page after %q, got %+v, %v", after, payload, key, p, err)
		}
		if after != "" {
			if again, err := page(nil, ptr(encodeCursor(p.After))); err != nil || again != p {
				t.Fatalf("%q: re-encoded cursor gives %+v, %v", p.After, again, err)
			}
		}
	})
}

var uuidForm = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func ptr[T any](v T) *T { return &v }
