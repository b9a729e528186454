package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/kjb/kjb/domain"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// maxErrorMessage bounds every top-level error message: none echoes a request back.
const maxErrorMessage = 300

// readBody reads a POST body whole, however it is sent (with a Content-Length or chunked),
// refusing one over limit with 413 and a batch (a JSON array) with 400; it reports false
// when it has answered.
func readBody(r *http.Request, limit int64, refuse func(status int, code domain.ErrorCode, msg string)) bool {
	if r.Method != http.MethodPost {
		return true
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	r.Body.Close()
	var tooLarge *http.MaxBytesError
	switch {
	case int64(len(body)) > limit || errors.As(err, &tooLarge):
		refuse(http.StatusRequestEntityTooLarge, domain.CodeInvalidInput, bodyTooLarge)
		return false
	case err != nil:
		refuse(http.StatusBadRequest, domain.CodeInvalidInput, "the request body could not be read")
		return false
	case bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("[")):
		refuse(http.StatusBadRequest, domain.CodeInvalidInput, "batched requests are not supported: send one operation per request")
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return true
}

// codedErrors gives every top-level error of a plain HTTP response an extensions.code and a
// bounded message, including the ones gqlgen's transports write themselves (a body that is
// not JSON, a GET that is not a query). WebSocket upgrades pass through untouched.
func codedErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		buf := &bufferedResponse{header: w.Header(), status: http.StatusOK}
		next.ServeHTTP(buf, r)
		body := buf.body.Bytes()
		if bytes.Contains(body, []byte(`"errors"`)) {
			body = withCodes(body, buf.status)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(buf.status)
		_, _ = w.Write(body)
	})
}

type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }

// withCodes rewrites the errors of a GraphQL response that lack a code; anything it cannot
// parse is left as it is.
func withCodes(body []byte, status int) []byte {
	var resp struct {
		Errors     []map[string]any `json:"errors"`
		Data       json.RawMessage  `json:"data,omitempty"`
		Extensions json.RawMessage  `json:"extensions,omitempty"`
	}
	if json.Unmarshal(body, &resp) != nil || len(resp.Errors) == 0 {
		return body
	}
	changed := false
	for _, e := range resp.Errors {
		ext, _ := e["extensions"].(map[string]any)
		if _, ok := ext["code"].(string); !ok {
			if ext == nil {
				ext = map[string]any{}
				e["extensions"] = ext
			}
			ext["code"] = string(domain.CodeInvalidInput)
			if status >= 500 {
				ext["code"] = string(domain.CodeInternal)
			}
			changed = true
		}
		if msg, _ := e["message"].(string); len(msg) > maxErrorMessage || strings.Contains(msg, " body:") {
			e["message"] = clipMessage(msg)
			changed = true
		}
	}
	if !changed {
		return body
	}
	out, err := json.Marshal(resp)
	if err != nil {
		return body
	}
	return out
}

// clipMessage drops an echoed request body and cuts a message to maxErrorMessage bytes on a
// character boundary.
func clipMessage(msg string) string {
	if i := strings.Index(msg, " body:"); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) <= maxErrorMessage {
		return msg
	}
	cut := maxErrorMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "…"
}

// transportRules refuses, before anything runs, what a transport cannot carry: a
// subscription anywhere but over WebSocket (plain HTTP would hold the request open), and a
// mutation over GET (GET must stay safe to repeat).
type transportRules struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = transportRules{}

func (transportRules) ExtensionName() string                   { return "TransportRules" }
func (transportRules) Validate(graphql.ExecutableSchema) error { return nil }

func (transportRules) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if viaWebsocket(ctx) {
		return nil
	}
	refuse := func(msg string) *gqlerror.Error {
		return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(domain.CodeInvalidInput)}}
	}
	switch {
	case oc.Operation.Operation == ast.Subscription:
		return refuse("subscriptions are served over WebSocket (graphql-transport-ws) on /query")
	case oc.Operation.Operation != ast.Query && httpMethod(ctx) == http.MethodGet:
		return refuse("GET serves queries only: send mutations with POST")
	}
	return nil
}

type httpMethodKey struct{}

func withHTTPMethod(ctx context.Context, method string) context.Context {
	return context.WithValue(ctx, httpMethodKey{}, method)
}

func httpMethod(ctx context.Context) string {
	m, _ := ctx.Value(httpMethodKey{}).(string)
	return m
}
