package db

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/domain"
)

// Enqueuer inserts jobs inside a transaction, in one statement. The command wires it to
// River's InsertManyTx.
type Enqueuer func(ctx context.Context, tx pgx.Tx, jobs ...domain.Job) error

// Store implements domain.Store on a pgx pool.
type Store struct {
	pool    *pgxpool.Pool
	read    *pgxpool.Pool
	enqueue Enqueuer
	sealer  domain.SecretSealer
}

// NewStore returns a store; enqueue may be nil for processes that never enqueue jobs.
func NewStore(pool *pgxpool.Pool, enqueue Enqueuer) *Store {
	return &Store{pool: pool, enqueue: enqueue}
}

// querier is what both a pool and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const maxTxAttempts = 8

// InTx runs fn in a transaction, retrying serialization failures and deadlocks.
func (s *Store) InTx(ctx context.Context, fn func(context.Context, domain.Tx) error) error {
	var err error
	for attempt := 0; attempt < maxTxAttempts; attempt++ {
		err = s.runTx(ctx, fn, "COMMIT")
		if !retryable(err) {
			return translate(err)
		}
	}
	return translate(err)
}

// Rehearse runs fn in a transaction as InTx does, sends every statement fn queued, and then
// rolls the transaction back: what fn does is done in full, and undone (for measuring a write,
// such as the month close, on the same data again and again).
func (s *Store) Rehearse(ctx context.Context, fn func(context.Context, domain.Tx) error) error {
	return translate(s.runTx(ctx, fn, "ROLLBACK"))
}

// runTx is one attempt: ended with end (COMMIT) when fn returns nil, rolled back otherwise.
// BEGIN and the end travel with other statements (see txConn); a transaction that sent nothing
// ends with nothing.
func (s *Store) runTx(ctx context.Context, fn func(context.Context, domain.Tx) error, end string) (err error) {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer pc.Release()
	conn := &txConn{conn: pc.Conn()}
	conn.deferExec("BEGIN")
	defer func() {
		if err != nil && conn.begun {
			if _, rbErr := pc.Conn().Exec(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
				_ = pc.Conn().Close(context.WithoutCancel(ctx)) // the pool drops a closed connection
			}
		}
	}()
	if err = fn(ctx, &txStore{queries: queries{q: conn, sealer: s.sealer}, tx: conn, raw: riverTx{conn}, enqueue: s.enqueue}); err != nil {
		return err
	}
	if !conn.begun && len(conn.pending) == 1 {
		return nil // nothing but BEGIN: nothing was read or written
	}
	conn.deferExec(end)
	return conn.flush(ctx)
}

// Queries reads from the pool.
func (s *Store) Queries() domain.Queries { return queries{q: s.pool, sealer: s.sealer} }

// ReadFrom sends Reports to a replica's pool.
func (s *Store) ReadFrom(replica *pgxpool.Pool) { s.read = replica }

// SealSecretsWith encrypts webhook signing secrets with sealer before they are stored (and
// decrypts them when read). Without one, the store refuses to store or read them.
func (s *Store) SealSecretsWith(sealer domain.SecretSealer) { s.sealer = sealer }

// Reports reads from the replica when one is set, else from the primary.
func (s *Store) Reports() domain.Queries {
	if s.read != nil {
		return queries{q: s.read, sealer: s.sealer}
	}
	return queries{q: s.pool, sealer: s.sealer}
}

type queries struct {
	q      querier
	sealer domain.SecretSealer
}

type txStore struct {
	queries
	tx      *txConn // every statement goes through the pipeline
	raw     pgx.Tx  // for River, which issues its own statements
	enqueue Enqueuer
}

func (t *txStore) Enqueue(ctx context.Context, job domain.Job) error {
	if t.enqueue == nil {
		return errors.New("db: this process cannot enqueue jobs")
	}
	return t.enqueue(ctx, t.raw, job)
}

func (t *txStore) EnqueueMany(ctx context.Context, jobs []domain.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	if t.enqueue == nil {
		return errors.New("db: this process cannot enqueue jobs")
	}
	return t.enqueue(ctx, t.raw, jobs...)
}

func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}

// translate maps Postgres errors to domain codes; anything else passes through (and is
// reported as INTERNAL by the API, never with its text).
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.NotFound("object", nil)
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return &domain.Error{Code: domain.CodeAlreadyExists, Message: "already exists"}
		case "23514":
			switch pg.ConstraintName {
			case "balances_available_nonnegative":
				return &domain.Error{Code: domain.CodeInsufficientBalance, Message: "insufficient balance"}
			case "link_spending_within_limit":
				return &domain.Error{Code: domain.ReasonLinkLimitExceeded, Message: "the link's spending limit would be passed"}
			}
		}
	}
	return err
}

// newID returns a time-ordered UUID (v7), so ids sort by creation.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// validUUID guards queries against malformed ids (which would be SQL errors).
func validUUID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil && len(id) == 36
}

// nullable maps "" to SQL NULL.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
