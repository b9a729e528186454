package db

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// txConn runs one transaction on one connection with as few round trips as it can. BEGIN is
// queued to travel with the first statement, COMMIT with the last queued writes. Writes whose
// result nobody reads at once (status updates, appends of rows with ids made here) are queued
// with deferExec and sent in one round trip together with the next statement that needs an
// answer. Every statement still sees every earlier one: the queue always goes first, in order.
// A queued write that fails fails the statement it travels with, and so the transaction.
type txConn struct {
	conn    *pgx.Conn
	pending []queued
	begun   bool // BEGIN has been sent: the transaction must be ended
}

type queued struct {
	sql  string
	args []any
}

func (c *txConn) deferExec(sql string, args ...any) { c.pending = append(c.pending, queued{sql, args}) }

// batch takes the queued statements as a batch.
func (c *txConn) batch() *pgx.Batch {
	b := &pgx.Batch{}
	for _, q := range c.pending {
		b.Queue(q.sql, q.args...)
	}
	c.pending = nil
	c.begun = true
	return b
}

// flush sends the queued statements, if any.
func (c *txConn) flush(ctx context.Context) error {
	if len(c.pending) == 0 {
		return nil
	}
	return c.conn.SendBatch(ctx, c.batch()).Close()
}

func (c *txConn) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	b := c.batch()
	var tag pgconn.CommandTag
	b.Queue(sql, args...).Exec(func(ct pgconn.CommandTag) error { tag = ct; return nil })
	return tag, c.conn.SendBatch(ctx, b).Close()
}

func (c *txConn) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := c.flush(ctx); err != nil {
		return nil, err
	}
	return c.conn.Query(ctx, sql, args...)
}

func (c *txConn) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return &pipelinedRow{c: c, ctx: ctx, sql: sql, args: args}
}

// pipelinedRow runs the queued statements and its query in one round trip when scanned.
type pipelinedRow struct {
	c    *txConn
	ctx  context.Context
	sql  string
	args []any
}

func (r *pipelinedRow) Scan(dest ...any) error {
	b := r.c.batch()
	var scanErr error
	b.Queue(r.sql, r.args...).QueryRow(func(row pgx.Row) error {
		scanErr = row.Scan(dest...)
		if errors.Is(scanErr, pgx.ErrNoRows) {
			return nil // reported below, as a plain QueryRow would
		}
		return scanErr
	})
	if err := r.c.conn.SendBatch(r.ctx, b).Close(); err != nil {
		return err
	}
	return scanErr
}

// riverTx lets River insert jobs inside the pipelined transaction: it sends whatever is
// queued first, then River's own statement.
type riverTx struct{ c *txConn }

var errNested = errors.New("db: nested transactions are not used inside a KJB transaction")

func (t riverTx) Begin(context.Context) (pgx.Tx, error) { return nil, errNested }
func (t riverTx) Commit(context.Context) error          { return errNested }
func (t riverTx) Rollback(context.Context) error        { return errNested }
func (t riverTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	if err := t.c.flush(ctx); err != nil {
		return 0, err
	}
	return t.c.conn.CopyFrom(ctx, table, cols, src)
}
func (t riverTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	// A failed flush aborts the transaction, so every statement of b then fails too.
	_ = t.c.flush(ctx)
	return t.c.conn.SendBatch(ctx, b)
}
func (t riverTx) LargeObjects() pgx.LargeObjects { return pgx.LargeObjects{} }
func (t riverTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	return t.c.conn.Prepare(ctx, name, sql)
}
func (t riverTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return t.c.Exec(ctx, sql, args...)
}
func (t riverTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return t.c.Query(ctx, sql, args...)
}
func (t riverTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return t.c.QueryRow(ctx, sql, args...)
}
func (t riverTx) Conn() *pgx.Conn { return t.c.conn }
