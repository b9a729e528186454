package graph

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	coderws "github.com/coder/websocket"
	"github.com/kjb/kjb/domain"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// ServerConfig configures the HTTP API.
type ServerConfig struct {
	Sandbox       bool // playground at / and introspection for everyone
	MaxBodyBytes  int64
	TokenLimit    int
	Limits        Limits
	RatePerSecond float64 // per API key (or per client address when anonymous); 0 = off
	RateBurst     int
	Logger        *slog.Logger
	// Ready reports whether the process can serve (the database is reachable).
	Ready func(ctx context.Context) error
	// Hub feeds subscriptions; nil makes one that nothing publishes to.
	Hub *Hub
	// Observer hears about every operation; Metrics, when set, is served at /metrics.
	Observer RequestObserver
	Metrics  http.Handler

	// AuthFailuresPerMinute and AuthFailureBurst limit failed authentications per client
	// address (0 = off); once over, even a good key waits.
	AuthFailuresPerMinute float64
	AuthFailureBurst      int
	// TrustedProxies are the load balancers whose X-Forwarded-For names the client address
	// that rate limits count against; empty: the connection's peer is the client.
	TrustedProxies []netip.Prefix

	// Budget and AnonymousBudget bound the fields an operation may select, checked before
	// validation (see Budget).
	Budget, AnonymousBudget Budget
}

// DefaultServerConfig holds the production defaults.
func DefaultServerConfig() ServerConfig {
	cfg := ServerConfig{
		MaxBodyBytes:  256 << 10,
		TokenLimit:    5000,
		Limits:        Limits{MaxDepth: 12, MaxTotalDepth: 20, MaxAliases: 50, MaxComplexity: 5000},
		RatePerSecond: 200,
		RateBurst:     400,
		Logger:        slog.Default(),
	}
	cfg.AuthFailuresPerMinute, cfg.AuthFailureBurst = 10, 20
	cfg.Budget, cfg.AnonymousBudget = DefaultBudgets()
	return cfg
}

// NewHandler returns the whole HTTP API: /query, /healthz, /readyz and, in sandbox mode, the
// playground at /.
func NewHandler(svc *domain.Service, cfg ServerConfig) http.Handler {
	lim := newLimiters(cfg)
	gql := newGraphQLServer(svc, cfg, lim)
	mux := http.NewServeMux()
	mux.Handle("/query", authenticate(svc, cfg, lim, codedErrors(gql)))
	downloads(mux, svc, func(h http.Handler) http.Handler { return authenticate(svc, cfg, lim, h) })
	if cfg.Metrics != nil {
		mux.Handle("GET /metrics", cfg.Metrics)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if cfg.Ready != nil {
			if err := cfg.Ready(ctx); err != nil {
				writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
				return
			}
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	if cfg.Sandbox {
		mux.Handle("GET /{$}", playground.Handler("KJB sandbox", "/query"))
	}
	return mux
}

// NewGraphQLServer builds the gqlgen server with explicit transports and every limit.
func NewGraphQLServer(svc *domain.Service, cfg ServerConfig) *handler.Server {
	return newGraphQLServer(svc, cfg, newLimiters(cfg))
}

func newGraphQLServer(svc *domain.Service, cfg ServerConfig, lim limiters) *handler.Server {
	hub := cfg.Hub
	if hub == nil {
		hub = NewHub()
	}
	gc := Config{Resolvers: &Resolver{Svc: svc, Hub: hub}}
	setComplexity(&gc.Complexity)
	es := NewExecutableSchema(gc)
	srv := handler.New(es)
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		InitTimeout:           10 * time.Second,
		// Browsers from partner dashboards connect cross-origin; the key travels in
		// connection_init, never in cookies, so the origin check adds nothing.
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{InsecureSkipVerify: true}},
		InitFunc:       websocketAuth(svc, lim.authFailures),
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(cfg.TokenLimit)
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	if cfg.Budget == (Budget{}) || cfg.AnonymousBudget == (Budget{}) {
		cfg.Budget, cfg.AnonymousBudget = DefaultBudgets()
	}
	srv.Use(operationBudget{keyed: cfg.Budget, anonymous: cfg.AnonymousBudget, tokenLimit: cfg.TokenLimit})
	srv.SetDisableSuggestion(!cfg.Sandbox)
	if cfg.Sandbox {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(operatorIntrospection{})
	}
	srv.Use(transportRules{})
	srv.Use(&queryLimits{Limits: cfg.Limits})
	srv.AroundFields(requireKeyForRootFields)
	srv.AroundFields(checkArguments)
	srv.AroundOperations(limitWebsocketOperations(lim.requests))
	srv.AroundOperations(traceOperations)
	srv.AroundOperations(withKnownObjects)
	srv.AroundResponses(logResponses(cfg.Logger, cfg.Observer))
	srv.SetErrorPresenter(presentErrors(cfg.Logger, !cfg.Sandbox))
	srv.SetRecoverFunc(recoverPanic(cfg.Logger))
	return srv
}

// operatorIntrospection allows introspection to operators only (outside sandbox mode).
type operatorIntrospection struct{}

func (operatorIntrospection) ExtensionName() string                   { return "OperatorIntrospection" }
func (operatorIntrospection) Validate(graphql.ExecutableSchema) error { return nil }
func (operatorIntrospection) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	oc.DisableIntrospection = !ActorFrom(ctx).MayIntrospect()
	if oc.DisableIntrospection && introspects(oc.Doc, oc.Operation.SelectionSet, 0) {
		return &gqlerror.Error{Message: "introspection is available to operators only",
			Extensions: map[string]any{"code": string(domain.CodeForbidden)}}
	}
	return nil
}

// introspects reports whether a root selection set asks for __schema or __type (directly, or
// through fragments; validation has refused fragment cycles, depth guards anyway).
func introspects(doc *ast.QueryDocument, set ast.SelectionSet, depth int) bool {
	if depth > 32 {
		return false
	}
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Name == "__schema" || sel.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if introspects(doc, sel.SelectionSet, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if def := doc.Fragments.ForName(sel.Name); def != nil && introspects(doc, def.SelectionSet, depth+1) {
				return true
			}
		}
	}
	return false
}

// authenticate resolves the bearer key to an actor, caps the body and applies the rate limits.
// A missing key is the anonymous caller; a wrong key is refused at once with 401, and a client
// address with too many failed authentications is refused with 429 before its key is looked at.
// Every refusal is reported to the observer with its code as the outcome, like an operation's.
func authenticate(svc *domain.Service, cfg ServerConfig, lim limiters, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r.Header.Get("X-Request-Id"))
		w.Header().Set("X-Request-Id", id)
		addr := clientAddr(r, cfg.TrustedProxies)
		r = r.WithContext(withHTTPMethod(withClientAddr(context.WithValue(r.Context(), requestIDKey{}, id), addr), r.Method))
		refuse := func(status int, code domain.ErrorCode, msg string) {
			writeGraphQLError(w, status, code, msg)
			if cfg.Observer != nil {
				cfg.Observer.ObserveRequest(refusedOperation, string(code), time.Since(start))
			}
		}
		if r.ContentLength > cfg.MaxBodyBytes {
			refuse(http.StatusRequestEntityTooLarge, domain.CodeInvalidInput, bodyTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, cfg.MaxBodyBytes)
		actor := domain.Anonymous
		if h := r.Header.Get("Authorization"); h != "" {
			if wait, over := lim.authFailures.exhausted(addr); over {
				w.Header().Set("Retry-After", wait)
				refuse(http.StatusTooManyRequests, domain.CodeRateLimited, "too many failed authentications: retry after "+wait+"s")
				return
			}
			secret, ok := bearer(h)
			if !ok {
				lim.authFailures.allow(addr)
				refuse(http.StatusUnauthorized, domain.CodeUnauthenticated, "the Authorization header must be \"Bearer <secret>\"")
				return
			}
			a, err := svc.Authenticate(r.Context(), secret)
			if err != nil {
				if domain.CodeOf(err) == domain.CodeUnauthenticated {
					lim.authFailures.allow(addr)
					refuse(http.StatusUnauthorized, domain.CodeUnauthenticated, "the API key is not valid")
				} else {
					cfg.Logger.ErrorContext(r.Context(), "authentication failed", "error", err.Error())
					refuse(http.StatusServiceUnavailable, domain.CodeInternal, internalMessage)
				}
				return
			}
			actor = a
		}
		ctx := WithActor(r.Context(), actor)
		if wait, ok := lim.requests.allow(rateKey(ctx)); !ok {
			w.Header().Set("Retry-After", wait)
			refuse(http.StatusTooManyRequests, domain.CodeRateLimited, "too many requests: retry after "+wait+"s")
			return
		}
		if !readBody(r, cfg.MaxBodyBytes, refuse) {
			return
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// refusedOperation is the operation label of a request refused before its operation was read.
const refusedOperation = "refused"

const bodyTooLarge = "the request body is larger than the limit"

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeGraphQLError(w http.ResponseWriter, status int, code domain.ErrorCode, msg string) {
	writeJSON(w, status, map[string]any{"errors": []any{map[string]any{
		"message": msg, "extensions": map[string]any{"code": string(code)}}}})
}

// websocketAuth authenticates a subscription connection from connection_init's
// {"authorization": "Bearer …"}; a missing or bad key closes the socket with 4403, and a
// client address with too many failed authentications is closed with 4429.
func websocketAuth(svc *domain.Service, failures *rateLimiter) transport.WebsocketInitFunc {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		addr := clientAddrFrom(ctx)
		if _, over := failures.exhausted(addr); over {
			return transport.WithWebsocketCloseCode(ctx, 4429), nil, errors.New("too many failed authentications")
		}
		forbidden := func() (context.Context, *transport.InitPayload, error) {
			failures.allow(addr)
			return transport.WithWebsocketCloseCode(ctx, 4403), nil, errors.New("forbidden: send {\"authorization\": \"Bearer <secret>\"} in connection_init")
		}
		secret, ok := bearer(p.Authorization())
		if !ok {
			return forbidden()
		}
		actor, err := svc.Authenticate(ctx, secret)
		if domain.CodeOf(err) == domain.CodeUnauthenticated {
			return forbidden()
		}
		if err != nil {
			return transport.WithWebsocketCloseCode(ctx, 1011), nil, errors.New(internalMessage)
		}
		return context.WithValue(WithActor(ctx, actor), websocketKey{}, true), nil, nil
	}
}
