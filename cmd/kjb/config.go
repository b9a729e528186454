package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kjb/kjb/telemetry"
)

// config is everything the environment sets, validated at start with one error per bad variable.
type config struct {
	DatabaseURL             string
	Listen                  string
	Sandbox                 bool
	DBMaxConns              int
	LogLevel                slog.Level
	RatePerSecond           float64
	MaxWorkers              int
	PayoutWorkers           int
	AuditInterval           time.Duration
	QuoteTTL                time.Duration
	EscrowHold              time.Duration
	SettlementInterval      time.Duration
	RateMaxAge              time.Duration
	SpreadBps               int
	CrossBorderPaySpreadBps int
	FeedURL                 string
	FeedInterval            time.Duration
	MetricsListen           string
	DatabaseReadURL         string
	Pprof                   bool
	JobTimeout              time.Duration
	RescueAfter             time.Duration
	PayoutRail              string
	LiquidityProvider       string
	Tracing                 telemetry.TracingConfig
	SecretKeys              string // KJB_SECRET_KEYS: the keys that seal webhook secrets, current first
	TrustedProxies          []netip.Prefix
}

type envReader struct {
	errs []error
	get  func(string) string
}

func (e *envReader) str(name, def string) string {
	if v := strings.TrimSpace(e.get(name)); v != "" {
		return v
	}
	return def
}

func (e *envReader) boolean(name string, def bool) bool {
	v := e.get(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want true or false", name, v))
	}
	return b
}

func (e *envReader) integer(name string, def, min, max int) int {
	v := e.get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want a whole number from %d to %d", name, v, min, max))
	}
	return n
}

func (e *envReader) float(name string, def float64) float64 {
	v := e.get(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want a number ≥ 0", name, v))
	}
	return f
}

// choice reads an adapter name: in sandbox mode it defaults to "sandbox"; outside it must be
// set, so production never pays suppliers or trades FX through the sandbox by accident.
func (e *envReader) choice(name string, sandbox bool, supported ...string) string {
	v := e.get(name)
	if v == "" && sandbox {
		return "sandbox"
	}
	for _, s := range supported {
		if v == s {
			return v
		}
	}
	if v == "" {
		e.errs = append(e.errs, fmt.Errorf("%s is not set: outside sandbox mode it must name a configured adapter (available: %s; sandbox only for staging)",
			name, strings.Join(supported, ", ")))
	} else {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: available: %s", name, v, strings.Join(supported, ", ")))
	}
	return ""
}

func (e *envReader) duration(name string, def time.Duration) time.Duration {
	v := e.get(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		e.errs = append(e.errs, fmt.Errorf("%s=%q: want a positive duration such as 60s or 10m", name, v))
	}
	return d
}

// loadConfig reads the environment. dev mode defaults KJB_SANDBOX to true and does not
// require DATABASE_URL to be set by the caller (make run sets it).
func loadConfig(getenv func(string) string, dev bool) (config, error) {
	e := &envReader{get: getenv}
	c := config{
		DatabaseURL:             e.str("DATABASE_URL", ""),
		Listen:                  e.str("KJB_LISTEN", ":8080"),
		Sandbox:                 e.boolean("KJB_SANDBOX", dev),
		DBMaxConns:              e.integer("KJB_DB_MAX_CONNS", 10, 2, 500),
		RatePerSecond:           e.float("KJB_RATE_LIMIT", 200),
		MaxWorkers:              e.integer("KJB_MAX_WORKERS", 20, 1, 1000),
		PayoutWorkers:           e.integer("KJB_PAYOUT_WORKERS", 100, 1, 1000),
		AuditInterval:           e.duration("KJB_AUDIT_INTERVAL", time.Hour),
		QuoteTTL:                e.duration("KJB_QUOTE_TTL", 60*time.Second),
		EscrowHold:              e.duration("KJB_ESCROW_HOLD", 240*time.Hour),
		SettlementInterval:      e.duration("KJB_FX_SETTLEMENT_INTERVAL", time.Minute),
		RateMaxAge:              e.duration("KJB_FX_RATE_MAX_AGE", 15*time.Minute),
		SpreadBps:               e.integer("KJB_FX_SPREAD_BPS", 50, 1, 1000),
		CrossBorderPaySpreadBps: e.integer("KJB_FX_KJB_SPREAD_BPS", 30, 1, 1000),
		FeedURL:                 e.str("KJB_FX_FEED_URL", ""),
		FeedInterval:            e.duration("KJB_FX_FEED_INTERVAL", time.Minute),
		MetricsListen:           e.str("KJB_METRICS_LISTEN", ":9091"),
		DatabaseReadURL:         e.str("DATABASE_READ_URL", ""),
		Pprof:                   e.boolean("KJB_PPROF", false),
		JobTimeout:              e.duration("KJB_JOB_TIMEOUT", 30*time.Second),
		RescueAfter:             e.duration("KJB_RESCUE_STUCK_AFTER", time.Minute),
		Tracing: telemetry.TracingConfig{Endpoint: e.str("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
			TracesEndpoint: e.str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")},
		SecretKeys: e.str("KJB_SECRET_KEYS", ""),
	}
	switch lvl := strings.ToLower(e.str("KJB_LOG_LEVEL", "info")); lvl {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		e.errs = append(e.errs, fmt.Errorf("KJB_LOG_LEVEL=%q: want debug, info, warn or error", lvl))
	}
	for _, p := range strings.FieldsFunc(e.str("KJB_TRUSTED_PROXIES", ""), func(r rune) bool { return r == ',' || r == ' ' }) {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			if a, aerr := netip.ParseAddr(p); aerr == nil {
				prefix, err = a.Prefix(a.BitLen())
			}
		}
		if err != nil {
			e.errs = append(e.errs, fmt.Errorf("KJB_TRUSTED_PROXIES=%q: want addresses or CIDR ranges, comma-separated", p))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, prefix)
	}
	if c.DatabaseURL == "" {
		e.errs = append(e.errs, errors.New("DATABASE_URL is required (postgres://user:pass@host:5432/db)"))
	}
	return c, errors.Join(e.errs...)
}

// workerAdapters reads the adapters only processes that work jobs need: the payout rail and
// the liquidity provider.
func workerAdapters(getenv func(string) string, c *config) error {
	e := &envReader{get: getenv}
	c.PayoutRail = e.choice("KJB_PAYOUT_RAIL", c.Sandbox, "sandbox")
	c.LiquidityProvider = e.choice("KJB_LIQUIDITY_PROVIDER", c.Sandbox, "sandbox")
	return errors.Join(e.errs...)
}

func newLogger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
