package domain

import "testing"

func TestCheckText(t *testing.T) {
	t.Parallel()
	long := make([]byte, 201)
	for i := range long {
		long[i] = 'a'
	}
	for _, c := range []struct {
		name, in string
		kind     TextKind
		ok       bool
	}{
		{"plain", "Acme Trading Ltd", NameText, true},
		{"chinese", "义乌市小商品有限公司", NameText, true},
		{"line breaks in a reason", "damaged\nin transit\t(box 3)", FreeText, true},
		{"line break in a name", "Acme\nLtd", NameText, false},
		{"NUL", "Acme\x00", NameText, false},
		{"NUL in free text", "x\x00y", FreeText, false},
		{"escape", "a\x1b[31m", FreeText, false},
		{"C1 control", "a\u0085b", NameText, false},
		{"DEL", "a\x7fb", FreeText, false},
		{"invalid UTF-8", "a\xffb", FreeText, false},
		{"replacement character", "a\uFFFDb", FreeText, false},
		{"right-to-left override in a name", "Acme\u202Egpj.exe", NameText, false},
		{"isolate in a name", "a\u2066b", NameText, false},
		{"right-to-left override in free text", "abc\u202E", FreeText, true},
		{"at the limit", string(long[:200]), NameText, true},
		{"over the limit", string(long), NameText, false},
	} {
		err := CheckText(c.in, c.kind, MaxNameLength, Field("input", "name"))
		if (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
		if err != nil && (CodeOf(err) != CodeInvalidInput || len(err.(*Error).Field) != 2) {
			t.Errorf("%s: %#v", c.name, err)
		}
	}
}
