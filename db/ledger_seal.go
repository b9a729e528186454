package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
)

// sealLock is the advisory lock sealers take for their transaction (only they take it).
const sealLock = 7315061802

// LedgerHorizon reads the last ledger entry id handed out, then, in a later statement, the
// first transaction id not yet assigned. The order matters: a statement's snapshot is taken
// when it starts, so reading both in one statement could miss a transaction that took its
// entry id after the snapshot and before the sequence was read. Every entry writer already
// holds a transaction id when it takes its entry id (it has written or locked rows first), so a
// writer with an id up to last has a transaction id below the horizon, and waiting for those
// to end leaves no entry of the range still to come.
func (q queries) LedgerHorizon(ctx context.Context) (int64, uint64, error) {
	var last int64
	var xact uint64
	if err := q.q.QueryRow(ctx, `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('ledger_entries', 'id')::regclass), 0)`).Scan(&last); err != nil {
		return 0, 0, err
	}
	err := q.q.QueryRow(ctx, `SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint`).Scan(&xact)
	return last, xact, err
}

func (q queries) TransactionsEndedBefore(ctx context.Context, xact uint64) (bool, error) {
	var ended bool
	err := q.q.QueryRow(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint >= $1`, int64(xact)).Scan(&ended)
	return ended, err
}

// EachSealEntry looks each entry's transaction up by id (the LIMIT keeps the planner from
// hash-joining a large range with every month's transactions, which would read old months).
func (q queries) EachSealEntry(ctx context.Context, after, last int64, limit int, fn func(domain.SealEntry) error) error {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := q.q.Query(ctx, `SELECT e.id, e.transaction_id::text, t.kind, t.reference, t.created_at, e.book,
			coalesce(e.account_id::text, ''), e.currency, e.amount::text, coalesce(e.balance_after::text, ''), e.created_at
		FROM (SELECT * FROM ledger_entries WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3) e
		LEFT JOIN LATERAL (SELECT kind, reference, created_at FROM ledger_transactions t WHERE t.id = e.transaction_id LIMIT 1) t ON true
		ORDER BY e.id`, after, last, lim)
	if err != nil {
		return err
	}
	defer rows.Close()
	var e domain.SealEntry
	var kind, ref *string
	var txAt *time.Time
	for rows.Next() {
		if err := rows.Scan(&e.EntryID, &e.TransactionID, &kind, &ref, &txAt, &e.Book, &e.AccountID, &e.Currency, &e.Amount, &e.BalanceAfter, &e.CreatedAt); err != nil {
			return err
		}
		e.Kind, e.Reference = deref(kind), deref(ref)
		e.TxCreatedAt = time.Time{}
		if txAt != nil {
			e.TxCreatedAt = *txAt
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

const sealColumns = `seq, after_entry_id, last_entry_id, entries, transactions::text[], digests, prev_hash, hash, sealed_at`

func scanSeal(r pgx.CollectableRow) (domain.Seal, error) {
	var s domain.Seal
	var digests, prev, hash []byte
	if err := r.Scan(&s.Seq, &s.After, &s.Last, &s.Entries, &s.Transactions, &digests, &prev, &hash, &s.SealedAt); err != nil {
		return s, err
	}
	if len(digests) != 32*len(s.Transactions) || len(prev) != 32 || len(hash) != 32 {
		return s, fmt.Errorf("seal %d: malformed digests", s.Seq)
	}
	s.Digests = make([][32]byte, len(s.Transactions))
	for i := range s.Digests {
		copy(s.Digests[i][:], digests[32*i:])
	}
	copy(s.PrevHash[:], prev)
	copy(s.Hash[:], hash)
	return s, nil
}

func (q queries) Seals(ctx context.Context, after int64, limit int) ([]domain.Seal, error) {
	rows, err := q.q.Query(ctx, `SELECT `+sealColumns+` FROM ledger_seals WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanSeal)
}

func (q queries) SealCovering(ctx context.Context, entryID int64) (*domain.Seal, error) {
	return optionalSeal(q.q.Query(ctx, `SELECT `+sealColumns+` FROM ledger_seals WHERE last_entry_id >= $1 AND after_entry_id < $1
		ORDER BY last_entry_id LIMIT 1`, entryID))
}

// optionalSeal reads the one seal a query returns, nil when it returns none.
func optionalSeal(rows pgx.Rows, err error) (*domain.Seal, error) {
	if err != nil {
		return nil, err
	}
	s, err := pgx.CollectExactlyOneRow(rows, scanSeal)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	return &s, err
}

// entriesCounted is how many unsealed entries EntriesAfter counts one by one.
const entriesCounted = 100000

// EntriesAfter counts the entries above id, reading at most entriesCounted of them: beyond
// that it answers the number of entry ids handed out since id, an upper bound (an id drawn by
// a transaction that rolled back is never used) that costs no read of the ledger.
func (q queries) EntriesAfter(ctx context.Context, id int64) (int64, error) {
	return q.entriesAfter(ctx, id, entriesCounted)
}

func (q queries) entriesAfter(ctx context.Context, id, counted int64) (int64, error) {
	var n int64
	err := q.q.QueryRow(ctx, `SELECT CASE WHEN n < $2 THEN n
			ELSE greatest(n, coalesce(pg_sequence_last_value(pg_get_serial_sequence('ledger_entries', 'id')::regclass), 0) - $1) END
		FROM (SELECT count(*) AS n FROM (SELECT FROM ledger_entries WHERE id > $1 ORDER BY id LIMIT $2) e) c`, id, counted).Scan(&n)
	return n, err
}

func (t *txStore) LockSealChain(ctx context.Context) (*domain.Seal, error) {
	if _, err := t.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(sealLock)); err != nil {
		return nil, err
	}
	return optionalSeal(t.tx.Query(ctx, `SELECT `+sealColumns+` FROM ledger_seals ORDER BY seq DESC LIMIT 1`))
}

func (t *txStore) InsertSeal(ctx context.Context, s domain.Seal) error {
	digests := make([]byte, 0, 32*len(s.Digests))
	for _, d := range s.Digests {
		digests = append(digests, d[:]...)
	}
	_, err := t.tx.Exec(ctx, `INSERT INTO ledger_seals (seq, after_entry_id, last_entry_id, entries, transactions, digests, prev_hash, hash, sealed_at)
		VALUES ($1, $2, $3, $4, $5::uuid[], $6, $7, $8, $9)`, s.Seq, s.After, s.Last, s.Entries, s.Transactions, digests, s.PrevHash[:], s.Hash[:], s.SealedAt)
	return translate(err)
}
