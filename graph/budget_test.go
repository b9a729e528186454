package graph_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kjb/kjb/graph"
	. "github.com/kjb/kjb/internal/apitest"
)

func repeat(field string, n int) string { return strings.TrimSpace(strings.Repeat(field+" ", n)) }

// testerQueries are the requests that cost seconds of CPU before operations had a budget.
var testerQueries = map[string]string{
	"currencies code x4500": `{ currencies { ` + repeat("code", 4500) + ` } }`,
	"fxRates mid x1100":     `{ fxRates { ` + repeat("mid", 1100) + ` } }`,
	"fragment spread x1000": `{ fxRates { ...r ` + repeat("...r", 999) + ` } } fragment r on FxRate { mid from to }`,
	"nested fragments":      `{ fxRates { ...a } } fragment a on FxRate { ` + repeat("...b", 40) + ` } fragment b on FxRate { ` + repeat("...c", 40) + ` } fragment c on FxRate { mid }`,
}

// worstAdmitted builds the most expensive request a budget admits: the widest list the
// public schema offers, selected under as many aliases as the limits allow, each with every
// scalar field repeated as often as allowed.
func worstAdmitted(b graph.Budget, maxAliases int) string {
	inner := make([]string, 0, 5*b.MaxRepeats)
	for _, f := range []string{"from", "to", "mid", "source", "updatedAt"} {
		for range b.MaxRepeats {
			if len(inner) < b.MaxFieldsPerSet {
				inner = append(inner, f)
			}
		}
	}
	block := "{ " + strings.Join(inner, " ") + " }"
	var root []string
	total := 0
	for i := 0; total+1+len(inner) <= b.MaxSelections && len(root) < b.MaxFieldsPerSet; i++ {
		name := "fxRates"
		if i >= b.MaxRepeats {
			if i-b.MaxRepeats >= maxAliases {
				break
			}
			name = fmt.Sprintf("a%d: fxRates", i)
		}
		root = append(root, name+" "+block)
		total += 1 + len(inner)
	}
	return "{ " + strings.Join(root, " ") + " }"
}

func TestOperationBudget(t *testing.T) {
	t.Parallel()
	e := New(t)
	keyed, anonymous := graph.DefaultBudgets()
	aliases := graph.DefaultServerConfig().Limits.MaxAliases
	for name, q := range testerQueries {
		for _, key := range []string{"", e.Operator} {
			if r := e.Do(key, "# "+name+"\n"+q, nil); r.Status != http.StatusOK || r.Code() != "QUERY_TOO_COMPLEX" {
				t.Errorf("%s (key %v): %d %.300s", name, key != "", r.Status, r.Raw)
			}
		}
	}
	if r := e.Do("", worstAdmitted(anonymous, aliases), nil); len(r.Errors) != 0 {
		t.Errorf("the worst admitted anonymous request was refused: %.300s", r.Raw)
	}
	if r := e.Do("", worstAdmitted(keyed, aliases), nil); r.Code() != "QUERY_TOO_COMPLEX" {
		t.Errorf("an anonymous caller was given the keyed budget: %.300s", r.Raw)
	}
	if r := e.Do(e.Operator, worstAdmitted(keyed, aliases), nil); len(r.Errors) != 0 {
		t.Errorf("the worst admitted keyed request was refused: %.300s", r.Raw)
	}
}

// BenchmarkRequestCost reports the CPU one request costs (cpu-ms/op), each with a fresh
// comment so the query cache cannot help: the tester's requests (refused at once now) and the
// worst request each budget admits, which must stay at or under 50 ms.
//
//	go test ./graph -run '^$' -bench BenchmarkRequestCost -benchtime 20x
func BenchmarkRequestCost(b *testing.B) {
	e := New(b)
	keyed, anonymous := graph.DefaultBudgets()
	aliases := graph.DefaultServerConfig().Limits.MaxAliases
	type req struct{ key, query string }
	cases := map[string]req{
		"worst admitted anonymous": {"", worstAdmitted(anonymous, aliases)},
		"worst admitted keyed":     {e.Operator, worstAdmitted(keyed, aliases)},
	}
	for name, q := range testerQueries {
		cases[name+" anonymous"] = req{"", q}
	}
	h := graph.NewHandler(e.Svc, func() graph.ServerConfig {
		c := graph.DefaultServerConfig()
		c.RatePerSecond = 0
		c.Logger = slog.New(slog.DiscardHandler)
		return c
	}())
	for name, c := range cases {
		b.Run(name, func(b *testing.B) {
			var before, after syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
			for i := range b.N {
				body := fmt.Sprintf(`{"query":%q}`, fmt.Sprintf("# %d %d\n%s", time.Now().UnixNano(), i, c.query))
				r := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				if c.key != "" {
					r.Header.Set("Authorization", "Bearer "+c.key)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK && w.Code != http.StatusUnprocessableEntity {
					b.Fatalf("%d %.300s", w.Code, w.Body.String())
				}
			}
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
			cpu := time.Duration(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) / time.Duration(b.N)
			b.ReportMetric(float64(cpu)/float64(time.Millisecond), "cpu-ms/op")
			if strings.HasPrefix(name, "worst admitted") && cpu > 50*time.Millisecond {
				b.Errorf("the worst admitted request costs %v of CPU; the budget is 50ms", cpu)
			}
		})
	}
}
