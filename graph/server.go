package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
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
}

// DefaultServerConfig holds the production defaults.
func DefaultServerConfig() ServerConfig {
	return ServerConfig{
		MaxBodyBytes:  256 << 10,
		TokenLimit:    5000,
		Limits:        Limits{MaxDepth: 12, MaxTotalDepth: 20, MaxAliases: 50, MaxComplexity: 5000},
		RatePerSecond: 200,
		RateBurst:     400,
		Logger:        slog.Default(),
	}
}

// NewHandler returns the whole HTTP API: /query, /healthz, /readyz and, in sandbox mode, the
// playground at /.
func NewHandler(svc *domain.Service, cfg ServerConfig) http.Handler {
	gql := NewGraphQLServer(svc, cfg)
	mux := http.NewServeMux()
	limiter := newRateLimiter(cfg.RatePerSecond, cfg.RateBurst)
	mux.Handle("/query", authenticate(svc, cfg, limiter, gql))
	downloads(mux, svc, func(h http.Handler) http.Handler { return authenticate(svc, cfg, limiter, h) })
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
		InitFunc:       websocketAuth(svc),
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(cfg.TokenLimit)
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	if cfg.Sandbox {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(operatorIntrospection{})
	}
	srv.Use(&queryLimits{Limits: cfg.Limits})
	srv.AroundFields(requireKeyForRootFields)
	srv.AroundOperations(traceOperations)
	srv.AroundResponses(logResponses(cfg.Logger, cfg.Observer))
	srv.SetErrorPresenter(presentErrors(cfg.Logger))
	srv.SetRecoverFunc(recoverPanic(cfg.Logger))
	return srv
}

// operatorIntrospection allows introspection to operators only (outside sandbox mode).
type operatorIntrospection struct{}

func (operatorIntrospection) ExtensionName() string                   { return "OperatorIntrospection" }
func (operatorIntrospection) Validate(graphql.ExecutableSchema) error { return nil }
func (operatorIntrospection) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	oc.DisableIntrospection = !ActorFrom(ctx).IsOperator()
	return nil
}

// authenticate resolves the bearer key to an actor, caps the body and applies the rate limit.
// A missing key is the anonymous caller; a wrong key is refused at once with 401. Every refusal
// is reported to the observer with its code as the outcome, like an operation's.
func authenticate(svc *domain.Service, cfg ServerConfig, limiter *rateLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r.Header.Get("X-Request-Id"))
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
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
		if r.ContentLength < 0 {
			// A body of unknown length is read here, so one over the cap is refused like any other.
			body, err := io.ReadAll(r.Body)
			if err != nil {
				if _, over := errors.AsType[*http.MaxBytesError](err); over {
					refuse(http.StatusRequestEntityTooLarge, domain.CodeInvalidInput, bodyTooLarge)
				} else {
					refuse(http.StatusBadRequest, domain.CodeInvalidInput, "the request body could not be read")
				}
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		actor := domain.Anonymous
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := bearer(h)
			if !ok {
				refuse(http.StatusUnauthorized, domain.CodeUnauthenticated, "the Authorization header must be \"Bearer <secret>\"")
				return
			}
			a, err := svc.Authenticate(r.Context(), secret)
			if err != nil {
				if domain.CodeOf(err) == domain.CodeUnauthenticated {
					refuse(http.StatusUnauthorized, domain.CodeUnauthenticated, "the API key is not valid")
				} else {
					cfg.Logger.ErrorContext(r.Context(), "authentication failed", "error", err.Error())
					refuse(http.StatusServiceUnavailable, domain.CodeInternal, internalMessage)
				}
				return
			}
			actor = a
		}
		key := actor.Principal()
		if actor.IsAnonymous() {
			key = "ip:" + clientAddr(r)
		}
		if wait, ok := limiter.allow(key); !ok {
			w.Header().Set("Retry-After", wait)
			refuse(http.StatusTooManyRequests, domain.CodeRateLimited, "too many requests: retry after "+wait+"s")
			return
		}
		next.ServeHTTP(w, r.WithContext(WithActor(r.Context(), actor)))
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
// {"authorization": "Bearer …"}; a missing or bad key closes the socket with 4403.
func websocketAuth(svc *domain.Service) transport.WebsocketInitFunc {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		forbidden := func() (context.Context, *transport.InitPayload, error) {
			return transport.WithWebsocketCloseCode(ctx, 4403), nil, errors.New("forbidden: send {\"authorization\": \"Bearer <secret>\"} in connection_init")
		}
		secret, ok := bearer(p.Authorization())
		if !ok {
			return forbidden()
		}
		actor, err := svc.Authenticate(ctx, secret)
		if err != nil {
			return forbidden()
		}
		return WithActor(ctx, actor), nil, nil
	}
}
