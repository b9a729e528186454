package db

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PoolConfig tunes the connection pool.
type PoolConfig struct {
	URL      string
	MaxConns int32 // 0: pgx's default
	AppName  string
	// Trace makes a span per statement (set when an OTLP exporter is configured).
	Trace bool
	// StatementTimeout ends any statement running longer (0: DefaultStatementTimeout).
	StatementTimeout time.Duration
}

// Dead-peer bounds on every connection KJB opens. A network that silently stops carrying a
// connection's packets is noticed by both ends within DeadPeerBound: the client gives up on
// unacknowledged data after tcpUserTimeout and probes an idle connection after keepaliveIdle,
// every keepaliveInterval, keepaliveCount times; the server does the same on its side, and
// ends a session left idle inside a transaction (whose COMMIT never arrived) after
// idleInTransactionTimeout, which releases the row locks it held.
const (
	keepaliveIdle            = 5 * time.Second
	keepaliveInterval        = 2 * time.Second
	keepaliveCount           = 3
	tcpUserTimeout           = 10 * time.Second
	idleInTransactionTimeout = 10 * time.Second
	connectionCheckInterval  = 5 * time.Second
	connectTimeout           = 5 * time.Second
	// DeadPeerBound is the longest a row lock outlives a silently lost client connection.
	DeadPeerBound = 15 * time.Second
	// DefaultStatementTimeout bounds a statement when PoolConfig.StatementTimeout is 0.
	DefaultStatementTimeout = 2 * time.Minute
)

// parallelSetupCost is the planner's cost of starting a parallel plan's workers on KJB's
// connections, ten times PostgreSQL's default: only the large aggregations (the month close,
// the full audit, reports over a long period) are worth their start-up. An account's
// statement, which reads a few hundred entries spread over every month of the ledger, was
// planned as a parallel scan whose workers tripled it (8 ms → 22–28 ms at 10,000,000
// payments).
const parallelSetupCost = "10000"

func millis(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

// Open connects a pool whose connections map numeric to decimal.Decimal exactly and notice
// a dead peer within DeadPeerBound on both ends. Settings given in the URL win.
func Open(ctx context.Context, c PoolConfig) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(c.URL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if c.MaxConns > 0 {
		cfg.MaxConns = c.MaxConns
	}
	if c.AppName != "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = c.AppName
	}
	if c.Trace {
		cfg.ConnConfig.Tracer = newQueryTracer()
	}
	statementTimeout := c.StatementTimeout
	if statementTimeout == 0 {
		statementTimeout = DefaultStatementTimeout
	}
	for name, value := range map[string]string{
		"tcp_keepalives_idle":                 strconv.Itoa(int(keepaliveIdle.Seconds())),
		"tcp_keepalives_interval":             strconv.Itoa(int(keepaliveInterval.Seconds())),
		"tcp_keepalives_count":                strconv.Itoa(keepaliveCount),
		"tcp_user_timeout":                    millis(tcpUserTimeout),
		"idle_in_transaction_session_timeout": millis(idleInTransactionTimeout),
		"client_connection_check_interval":    millis(connectionCheckInterval),
		"statement_timeout":                   millis(statementTimeout),
		"parallel_setup_cost":                 parallelSetupCost,
	} {
		if _, set := cfg.ConnConfig.RuntimeParams[name]; !set {
			cfg.ConnConfig.RuntimeParams[name] = value
		}
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	dialer := &net.Dialer{
		KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: keepaliveIdle, Interval: keepaliveInterval, Count: keepaliveCount},
		Control:         setUserTimeout(tcpUserTimeout),
	}
	cfg.ConnConfig.DialFunc = dialer.DialContext
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		registerDecimal(conn.TypeMap())
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return pool, nil
}
