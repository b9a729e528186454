package layering

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/kjb/kjb"

// rule is what one package of the module may import (its non-test imports).
type rule struct {
	// internal lists the module's packages it may import, relative to the module ("domain").
	internal []string
	// external lists third-party import paths it may import; an entry also allows the
	// packages under it ("github.com/jackc/pgx/v5" allows ".../pgxpool").
	external []string
	// forbiddenStd lists standard-library packages that must not appear among its imports,
	// direct or indirect; the rest of the standard library is allowed.
	forbiddenStd []string
}

// Third-party modules named once, so the table below reads as a list of choices.
const (
	decimal    = "github.com/shopspring/decimal"
	pgx        = "github.com/jackc/pgx/v5"
	pgxDecimal = "github.com/jackc/pgx-shopspring-decimal"
	uuid       = "github.com/google/uuid"
	river      = "github.com/riverqueue/river"
	gqlgen     = "github.com/99designs/gqlgen"
	gqlparser  = "github.com/vektah/gqlparser/v2"
	websocket  = "github.com/coder/websocket"
	otel       = "go.opentelemetry.io/otel"
	prometheus = "github.com/prometheus/client_golang"
)

// layers is the dependency rule: every package of the module has an entry, and a new import
// (of the module or a third party) is a choice made here. The rules and ports live in domain,
// which knows no adapter; each adapter (db, graph, worker, fxfeed, telemetry) reaches the others
// only through domain; cmd/kjb wires them; the internal test-support packages are never
// imported by production code.
var layers = map[string]rule{
	"domain":      {external: []string{decimal}, forbiddenStd: []string{"net", "net/http", "database/sql"}},
	"db":          {internal: []string{"domain"}, external: []string{pgx, pgxDecimal, uuid, decimal, otel}},
	"fxfeed":      {internal: []string{"domain"}, external: []string{decimal}},
	"graph":       {internal: []string{"domain", "graph/model"}, external: []string{gqlgen, gqlparser, websocket, decimal, otel}},
	"graph/model": {internal: []string{"domain"}},
	"worker":      {internal: []string{"domain"}, external: []string{pgx, river, otel}},
	"telemetry":   {internal: []string{"db", "domain"}, external: []string{pgx, prometheus, otel}},
	// Adapters of external systems: a domain port each, over their own storage where they keep any.
	"sandboxrail":      {internal: []string{"domain"}, external: []string{pgx, decimal}},
	"sandboxliquidity": {internal: []string{"domain"}, external: []string{pgx}},
	"dnsresolver":      {},
	"sandboxlink":      {internal: []string{"domain"}, external: []string{pgx}},
	"secretbox":        {},
	"cmd/kjb": {internal: []string{"db", "dnsresolver", "domain", "fxfeed", "graph", "internal/bench", "sandboxliquidity", "sandboxlink", "sandboxrail", "secretbox", "telemetry", "worker"},
		external: []string{pgx, river}},
	"internal/bench":    {internal: []string{"db", "domain", "graph", "worker"}, external: []string{pgx}},
	"internal/apitest":  {internal: []string{"db", "domain", "graph", "internal/testdb", "internal/wait", "sandboxliquidity", "sandboxlink", "sandboxrail", "secretbox", "telemetry", "worker"}, external: []string{pgx, websocket}},
	"internal/testdb":   {internal: []string{"db", "worker"}, external: []string{pgx}},
	"internal/wait":     {},
	"internal/layering": {},
}

// listed is what `go list -json` says of one package (Deps: everything it imports, directly
// or not).
type listed struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Deps       []string
}

// TestDependencyRule checks every package of the module against layers.
func TestDependencyRule(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "-json=ImportPath,Standard,Imports,Deps", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listed
	for dec := json.NewDecoder(strings.NewReader(string(out))); dec.More(); {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < len(layers) {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	for _, v := range violations(pkgs, layers) {
		t.Error(v)
	}
}

// violations lists each import of a module package that its rule does not allow, each
// package of the module without a rule, and each rule naming a package that does not exist.
func violations(pkgs []listed, layers map[string]rule) []string {
	standard := map[string]bool{}
	for _, p := range pkgs {
		standard[p.ImportPath] = p.Standard
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range pkgs {
		name, ok := relative(p.ImportPath)
		if !ok {
			continue
		}
		seen[name] = true
		r, ok := layers[name]
		if !ok {
			out = append(out, fmt.Sprintf("package %s has no entry in internal/layering's table: add one listing the module packages and third-party modules it may import", name))
			continue
		}
		for _, imp := range p.Imports {
			switch internal, isInternal := relative(imp); {
			case isInternal:
				if !slices.Contains(r.internal, internal) {
					out = append(out, fmt.Sprintf("%s imports %s, which its entry in internal/layering does not allow", name, internal))
				}
			case standard[imp]:
			case !slices.ContainsFunc(r.external, func(e string) bool { return under(imp, e) }):
				out = append(out, fmt.Sprintf("%s imports %s, a third-party package its entry in internal/layering does not allow", name, imp))
			}
		}
		for _, dep := range p.Deps {
			if standard[dep] && slices.Contains(r.forbiddenStd, dep) {
				out = append(out, fmt.Sprintf("%s depends on %s, which its entry in internal/layering forbids", name, dep))
			}
		}
	}
	var stale []string
	for name := range layers {
		if !seen[name] {
			stale = append(stale, fmt.Sprintf("internal/layering has an entry for %s, which is not a package of the module", name))
		}
	}
	sort.Strings(stale)
	return append(out, stale...)
}

// relative returns path relative to the module, when it is one of the module's packages.
func relative(path string) (string, bool) {
	return strings.CutPrefix(path, module+"/")
}

// under reports whether path is prefix or a package under it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func TestViolations(t *testing.T) {
	t.Parallel()
	std := func(path string, deps ...string) listed { return listed{ImportPath: path, Standard: true, Deps: deps} }
	mod := func(name string, imports ...string) listed {
		return listed{ImportPath: module + "/" + name, Imports: imports, Deps: imports}
	}
	base := []listed{std("fmt"), std("net"), std("net/http", "net"), std("net/http/httptest", "net/http", "net"),
		{ImportPath: decimal}, {ImportPath: pgx + "/pgxpool"}, {ImportPath: pgx}}
	layers := map[string]rule{
		"domain": {external: []string{decimal}, forbiddenStd: []string{"net/http"}},
		"db":     {internal: []string{"domain"}, external: []string{pgx}},
	}
	for _, c := range []struct {
		name string
		pkgs []listed
		want []string
	}{
		{"allowed", []listed{mod("domain", "fmt", decimal), mod("db", "fmt", module+"/domain", pgx+"/pgxpool")}, nil},
		{"module package not listed", []listed{mod("domain"), mod("db", module+"/domain"), mod("graph")},
			[]string{"package graph has no entry"}},
		{"internal import not allowed", []listed{mod("domain", module+"/db"), mod("db", module+"/domain")},
			[]string{"domain imports db"}},
		{"third party not allowed", []listed{mod("domain", pgx), mod("db")},
			[]string{"domain imports " + pgx + ", a third-party"}},
		{"third-party prefix is not a path prefix", []listed{mod("domain", decimal+"x"), mod("db")},
			[]string{"domain imports " + decimal + "x"}},
		{"forbidden standard package, directly", []listed{mod("domain", "net/http"), mod("db")},
			[]string{"domain depends on net/http"}},
		{"forbidden standard package, through another", []listed{
			{ImportPath: module + "/domain", Imports: []string{"net/http/httptest"}, Deps: []string{"net", "net/http", "net/http/httptest"}}, mod("db")},
			[]string{"domain depends on net/http,"}},
		{"entry without a package", []listed{mod("domain")},
			[]string{"entry for db, which is not a package"}},
	} {
		got := violations(append(slices.Clone(base), c.pkgs...), layers)
		if len(got) != len(c.want) {
			t.Errorf("%s: %d violations %q, want %d", c.name, len(got), got, len(c.want))
			continue
		}
		for i, w := range c.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: violation %q does not say %q", c.name, got[i], w)
			}
		}
	}
}
