package graph

import (
	"testing"

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

// FuzzDecodeID: any id either decodes to the type asked for or is INVALID_INPUT; never a panic.
func FuzzDecodeID(f *testing.F) {
	f.Add(globalID(typeAccount, "01a1fc61-1c2c-79d8-b7bd-71b6bf12ed33"))
	f.Add("QWNjb3VudDo")
	f.Add("")
	f.Add("%%%")
	f.Fuzz(func(t *testing.T, gid string) {
		id, err := decodeID(gid, typeAccount, "id")
		if err != nil {
			if domain.CodeOf(err) != domain.CodeInvalidInput {
				t.Fatalf("%q: %v", gid, err)
			}
			return
		}
		if globalID(typeAccount, id) != gid && id == "" {
			t.Fatalf("%q decoded to an empty id", gid)
		}
	})
}

// FuzzCursor: any after-cursor either gives a page or INVALID_INPUT naming "after".
func FuzzCursor(f *testing.F) {
	f.Add(encodeCursor("42"))
	f.Add("Yzo")
	f.Add("bm9wZQ")
	f.Fuzz(func(t *testing.T, after string) {
		p, err := page(nil, &after)
		if err != nil {
			if e := domain.AsErrors(err); len(e) != 1 || e[0].Code != domain.CodeInvalidInput {
				t.Fatalf("%q: %v", after, err)
			}
			return
		}
		if after != "" && p.After == "" {
			t.Fatalf("%q accepted without a key", after)
		}
	})
}
