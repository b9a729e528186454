package model

import (
	"strings"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
)

func TestMonth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   any
		want domain.Month
		ok   bool
	}{
		{"2026-10", domain.Month{Year: 2026, Month: time.October}, true},
		{"2027-01", domain.Month{Year: 2027, Month: time.January}, true},
		{"2026-13", domain.Month{}, false},
		{"2026-00", domain.Month{}, false},
		{"2026-1", domain.Month{}, false},
		{"26-10", domain.Month{}, false},
		{"2026-10-01", domain.Month{}, false},
		{"October", domain.Month{}, false},
		{202610, domain.Month{}, false},
		{nil, domain.Month{}, false},
	} {
		var m Month
		err := m.UnmarshalGQL(tc.in)
		if tc.ok != (err == nil) || (tc.ok && domain.Month(m) != tc.want) {
			t.Errorf("%v: %v, %v", tc.in, m, err)
			continue
		}
		if !tc.ok && domain.CodeOf(err) != domain.CodeInvalidInput {
			t.Errorf("%v: %v is not INVALID_INPUT", tc.in, err)
		}
		if tc.ok {
			var b strings.Builder
			m.MarshalGQL(&b)
			if b.String() != `"`+tc.in.(string)+`"` {
				t.Errorf("%v printed as %s", tc.in, b.String())
			}
		}
	}
}
