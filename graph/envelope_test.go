package graph_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kjb/kjb/graph"
	. "github.com/kjb/kjb/internal/apitest"
)

type topLevel struct {
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func send(t *testing.T, req *http.Request) (int, topLevel, string) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out topLevel
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out, string(b)
}

// TestEveryRefusalHasACode: malformed, batched, oversized (also chunked) and GET-mutation
// requests are all answered with extensions.code and a message that echoes nothing back.
func TestEveryRefusalHasACode(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Server: func(c *graph.ServerConfig) { c.MaxBodyBytes = 4 << 10 }})
	secret := strings.Repeat("SECRET", 40)
	post := func(body io.Reader, contentLength int64) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, e.Server.URL+"/query", body)
		req.Header.Set("Content-Type", "application/json")
		req.ContentLength = contentLength
		return req
	}
	big := `{"query":"{ viewer { role } }","variables":{"pad":"` + strings.Repeat("x", 8<<10) + `"}}`
	for _, c := range []struct {
		name string
		req  *http.Request
		code int
	}{
		{"batched body", post(strings.NewReader(`[{"query":"{ viewer { role } }","variables":{"x":"`+secret+`"}}]`), -1), http.StatusBadRequest},
		{"not JSON", post(strings.NewReader(`{"query": `+secret), -1), http.StatusBadRequest},
		{"oversized chunked body", post(io.MultiReader(strings.NewReader(big)), -1), http.StatusRequestEntityTooLarge},
		{"oversized body with a length", post(strings.NewReader(big), int64(len(big))), http.StatusRequestEntityTooLarge},
		{"GET with a mutation", func() *http.Request {
			req, _ := http.NewRequest(http.MethodGet, e.Server.URL+"/query?query="+url.QueryEscape(`mutation { createPartner(input: {code: "x", name: "x"}) { partner { id } } }`), nil)
			return req
		}(), http.StatusOK},
		{"GET with malformed variables", func() *http.Request {
			req, _ := http.NewRequest(http.MethodGet, e.Server.URL+"/query?query="+url.QueryEscape(`{ viewer { role } }`)+"&variables="+secret, nil)
			return req
		}(), http.StatusBadRequest},
	} {
		status, out, raw := send(t, c.req)
		if status != c.code || len(out.Errors) == 0 {
			t.Errorf("%s: %d %.300s", c.name, status, raw)
			continue
		}
		for _, er := range out.Errors {
			if code, _ := er.Extensions["code"].(string); code == "" || len(er.Message) > 310 || strings.Contains(er.Message, "SECRET") {
				t.Errorf("%s: %.400s", c.name, raw)
			}
		}
	}
	if n := e.Count(`SELECT count(*) FROM partners`); n != 0 {
		t.Errorf("a GET created %d partners", n)
	}
}

// TestSubscriptionOverPOST is answered at once with a typed error, not held open.
func TestSubscriptionOverPOST(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.Server.URL+"/query",
		strings.NewReader(`{"query":"subscription { partnerEvents(types: [PAYMENT_SUCCEEDED]) { paymentId } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.PartnerKey)
	start := time.Now()
	status, out, raw := send(t, req)
	if len(out.Errors) == 0 || out.Errors[0].Extensions["code"] != "INVALID_INPUT" || time.Since(start) > 2*time.Second {
		t.Fatalf("%d after %v: %.300s", status, time.Since(start), raw)
	}
}
