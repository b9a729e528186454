package graph_test

import (
	"strings"
	"testing"

	"github.com/kjb/kjb/graph"
	. "github.com/kjb/kjb/internal/apitest"
)

// TestRefusedIntrospection: outside sandbox mode a non-operator's introspection is a typed
// FORBIDDEN logged at info, and validation messages suggest no field names.
func TestRefusedIntrospection(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	e := New(t, Options{Server: func(c *graph.ServerConfig) { c.Sandbox = false }, Log: logs})
	_, acct := e.Account("Acme")
	for _, q := range []string{`{ __schema { queryType { name } } }`, `{ __type(name: "Account") { name } }`,
		`query { ...f } fragment f on Query { __schema { types { name } } }`, `{ viewer { role } ... on Query { __type(name: "Query") { name } } }`} {
		for _, key := range []string{"", acct} {
			if r := e.Do(key, q, nil); r.Code() != "FORBIDDEN" || r.Data != nil && len(r.Data) > 0 {
				t.Errorf("%s (key %v): %s", q, key != "", r.Raw)
			}
		}
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("refused introspection logged an error:\n%s", logs.String())
	}
	if r := e.Do(e.Operator, `{ __schema { queryType { name } } }`, nil); len(r.Errors) != 0 {
		t.Errorf("the operator could not introspect: %s", r.Raw)
	}
	for _, q := range []string{`{ viewr { role } }`, `{ viewer { rol } }`, `{ currencies { cod } }`} {
		if r := e.Do("", q, nil); len(r.Errors) == 0 || strings.Contains(r.Raw, "Did you mean") {
			t.Errorf("%s: %s", q, r.Raw)
		}
	}
	sandbox := New(t)
	if r := sandbox.Do("", `{ viewer { rol } }`, nil); !strings.Contains(r.Raw, "Did you mean") {
		t.Errorf("sandbox mode lost its suggestions: %s", r.Raw)
	}
}
