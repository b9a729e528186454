// Package layering holds the test that enforces the dependency rule between packages.
package layering

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyRule: domain imports only the standard library and decimal; graph and worker
// reach storage only through domain; db knows neither GraphQL nor River nor the sandbox
// adapters; the sandbox adapters know only domain (and their own pgx pool).
func TestDependencyRule(t *testing.T) {
	t.Parallel()
	const mod = "github.com/kjb/kjb/"
	forbidden := map[string][]string{
		"domain": {"github.com/jackc/", "github.com/riverqueue/", "github.com/99designs/", "github.com/vektah/", "net/http", mod},
		"graph":  {mod + "db", mod + "worker", "github.com/jackc/", "github.com/riverqueue/"},
		"worker": {mod + "db", mod + "graph", "github.com/99designs/"},
		"db": {mod + "graph", mod + "worker", mod + "sandboxrail", mod + "sandboxliquidity", "github.com/99designs/",
			"github.com/riverqueue/"},
		// Adapters of external systems: domain ports over their own storage, nothing else of ours.
		"sandboxrail":      {mod + "db", mod + "graph", mod + "worker", "github.com/99designs/", "github.com/riverqueue/"},
		"sandboxliquidity": {mod + "db", mod + "graph", mod + "worker", "github.com/99designs/", "github.com/riverqueue/"},
		"dnsresolver":      {mod + "db", mod + "graph", mod + "worker", "github.com/jackc/", "github.com/riverqueue/"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", mod+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == mod+pkg {
				continue
			}
			for _, b := range bad {
				if strings.HasPrefix(dep, b) {
					if pkg == "domain" && dep == "github.com/shopspring/decimal" {
						continue
					}
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
