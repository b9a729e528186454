package db

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kjb/kjb/domain"
)

// auditChecks are the ledger invariants; each query returns one text row per violation. A
// fullOnly check reads whole tables and runs in the full audit only.
var auditChecks = []struct {
	name, sql string
	fullOnly  bool
}{
	{"transaction balanced per currency", `
		SELECT format('transaction %s is off by %s %s', transaction_id, sum(amount), currency)
		FROM {tx_entries} GROUP BY transaction_id, currency HAVING sum(amount) <> 0`, false},
	{"transaction has two or more entries", `
		SELECT format('transaction %s (%s %s) has %s entries', t.id, t.kind, t.reference, count(e.id))
		FROM {transactions} t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
		GROUP BY t.id, t.kind, t.reference HAVING count(e.id) < 2`, false},
	{"transaction is its reference's", `
		SELECT format('transaction %s (%s %s) is not the one its reference names', t.id, t.kind, t.reference)
		FROM {transactions} t LEFT JOIN ledger_references r ON r.kind = t.kind AND r.reference = t.reference
		WHERE r.transaction_id IS DISTINCT FROM t.id`, false},
	{"reference names its transaction", `
		SELECT format('reference %s %s names transaction %s, which is not its', r.kind, r.reference, r.transaction_id)
		FROM ledger_references r
		WHERE (r.kind, r.reference) IN (SELECT 'PAYMENT', id::text FROM {payments} p UNION ALL SELECT 'ESCROW_RELEASE', id::text FROM {payments} p
			UNION ALL SELECT 'PAYOUT', id::text FROM {payouts} o UNION ALL SELECT 'FX_SETTLEMENT', id::text FROM {fx_settlements} s
			UNION ALL SELECT 'TOP_UP', id::text FROM {top_ups} u UNION ALL SELECT 'CONVERSION', id::text FROM {conversions} c)
		AND NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = r.transaction_id AND t.kind = r.kind AND t.reference = r.reference)`, false},
	{"customer balance equals its entries", `
		SELECT format('account %s %s: balance %s, entries sum to %s',
			coalesce(b.account_id, e.account_id), coalesce(b.currency, e.currency), coalesce(b.available, 0), coalesce(e.total, 0))
		FROM balances b
		FULL JOIN {customer_totals} e
			ON e.account_id = b.account_id AND e.currency = b.currency
		WHERE coalesce(b.available, 0) <> coalesce(e.total, 0)`, false},
	{"no negative balance", `
		SELECT format('account %s %s is negative: %s', account_id, currency, available) FROM balances WHERE available < 0`, false},
	{"top-up booked once", `
		SELECT format('top-up %s has %s ledger transactions', u.id, ` + booked("'TOP_UP'", "u.id::text") + `)
		FROM {top_ups} u WHERE ` + booked("'TOP_UP'", "u.id::text") + ` <> 1`, false},
	{"conversion booked once", `
		SELECT format('conversion %s has %s ledger transactions', c.id, ` + booked("'CONVERSION'", "c.id::text") + `)
		FROM {conversions} c WHERE ` + booked("'CONVERSION'", "c.id::text") + ` <> 1`, false},
	{"quote executed at most once", `
		SELECT format('quote %s has %s conversions', quote_id, count(*)) FROM conversions
		WHERE quote_id IN (SELECT quote_id FROM {conversions} c) GROUP BY quote_id HAVING count(*) > 1`, false},
	{"settlement traded and booked once", `
		SELECT format('settlement %s: %s trades, %s ledger transactions', s.id,
			(SELECT count(*) FROM sandbox_lp_trades l WHERE l.settlement_id = s.id),
			` + booked("'FX_SETTLEMENT'", "s.id::text") + `)
		FROM {fx_settlements} s WHERE s.status = 'SETTLED' AND s.base_net <> 0 AND
			` + booked("'FX_SETTLEMENT'", "s.id::text") + ` <> 1`, false},
	{"payment booked once", `
		SELECT format('payment %s has %s ledger transactions', p.id, ` + booked("'PAYMENT'", "p.id::text") + `)
		FROM {payments} p WHERE ` + booked("'PAYMENT'", "p.id::text") + ` <> 1`, false},
	{"escrow released at most once, and only with a payout", `
		SELECT format('payment %s: escrow %s, %s release transactions, %s payouts', p.id, p.escrow_status,
			` + booked("'ESCROW_RELEASE'", "p.id::text") + `,
			(SELECT count(*) FROM payouts o WHERE o.payment_id = p.id))
		FROM {payments} p
		WHERE (p.escrow_status = 'RELEASED') <> (` + booked("'ESCROW_RELEASE'", "p.id::text") + ` = 1)
		   OR (p.escrow_status = 'RELEASED') <> EXISTS (SELECT 1 FROM payouts o WHERE o.payment_id = p.id)`, false},
	{"paid payout transferred and booked once", `
		SELECT format('payout %s (%s): %s rail transfers paid, %s ledger transactions', o.id, o.status,
			(SELECT count(*) FROM sandbox_rail_transfers r WHERE r.payout_id = o.id AND r.status = 'PAID'),
			` + booked("'PAYOUT'", "o.id::text") + `)
		FROM {payouts} o
		WHERE (o.status = 'PAID') <> (` + booked("'PAYOUT'", "o.id::text") + ` = 1)
		   OR (o.status <> 'PAID' AND EXISTS (SELECT 1 FROM sandbox_rail_transfers r WHERE r.payout_id = o.id AND r.status = 'PAID'))`, false},
	{"refunds within the payment", `
		SELECT format('payment %s: refunded %s of %s, refunds sum to %s', p.id, p.refunded_amount, p.amount, coalesce(sum(r.amount), 0))
		FROM {payments} p LEFT JOIN refunds r ON r.payment_id = p.id
		GROUP BY p.id, p.refunded_amount, p.amount HAVING p.refunded_amount <> coalesce(sum(r.amount), 0) OR coalesce(sum(r.amount), 0) > p.amount`, false},
	// Statements add this share up (db/fees.go); the refund works it out in the domain
	// (Payment.RefundedStandardFee), restated here to check it: TestRefundedStandardShareAgrees.
	{"refunded standard fee is its share of the refunded fees", `
		SELECT format('payment %s: refunded standard fee %s, share of refunded fees %s %s', p.id, p.refunded_standard_fee,
			p.refunded_fees, p.share)
		FROM (SELECT id, refunded_standard_fee, refunded_fees, ` + refundedStandardShare + ` AS share FROM {payments} x) p
		WHERE p.refunded_standard_fee <> p.share`, false},
	{"link spending equals its payments net of refunds", `
		WITH days AS (
			SELECT link_id, (created_at AT TIME ZONE 'Asia/Shanghai')::date AS day, sum(amount - refunded_amount) AS spent
			FROM payments WHERE link_id IS NOT NULL GROUP BY 1, 2),
		expected AS (
			SELECT link_id, 'DAY' AS period, day AS starts, spent FROM days
			UNION ALL SELECT link_id, 'MONTH', date_trunc('month', day)::date, sum(spent) FROM days GROUP BY 1, 3)
		SELECT format('link %s %s from %s: spending %s, payments net of refunds %s', coalesce(u.link_id, x.link_id),
			coalesce(u.period, x.period), coalesce(u.starts, x.starts), coalesce(u.spent, 0), coalesce(x.spent, 0))
		FROM link_spending u FULL JOIN expected x ON x.link_id = u.link_id AND x.period = u.period AND x.starts = u.starts
		WHERE coalesce(u.spent, 0) <> coalesce(x.spent, 0)`, true},
	// Statements start from a stored balance after (db/statement.go): they rely on both.
	{"customer entries run in id order, backdated ones recorded", `
		SELECT format('entry %s (account %s %s): %s', e.id, e.account_id, e.currency,
			CASE WHEN e.balance_after <> coalesce(e.before, 0) + e.amount
				THEN format('balance after %s, the entry before it by id leaves %s', e.balance_after, coalesce(e.before, 0))
				ELSE format('posted at %s, after an earlier entry posted at %s, and not recorded as backdated', e.created_at, e.latest) END)
		FROM (SELECT id, account_id, currency, amount, balance_after, created_at, lag(balance_after) OVER w AS before,
				max(created_at) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest
			FROM ledger_entries WHERE account_id IS NOT NULL WINDOW w AS (PARTITION BY account_id, currency ORDER BY id)) e
		WHERE e.balance_after <> coalesce(e.before, 0) + e.amount
			OR e.created_at < e.latest AND NOT EXISTS (SELECT FROM ledger_backdated_entries b WHERE b.entry_id = e.id)`, true},
	// The backdated entries are noted from the balance's latest posting time (migration 0093):
	// a writer that moved a balance without keeping it would leave them unnoted. The full audit
	// compares it with all the balance's entries; the incremental one with those since its
	// checkpoint, which it must be at least.
	{"balance keeps its entries' latest posting time", `
		SELECT format('account %s %s: latest posting time %s, its entries'' latest %s', p.account_id, p.currency,
			coalesce(b.posted_until::text, 'none'), p.at)
		FROM {latest_postings} p LEFT JOIN balances b ON b.account_id = p.account_id AND b.currency = p.currency
		WHERE b.posted_until IS NULL OR b.posted_until < p.at OR p.every AND b.posted_until > p.at`, false},
}

// refundedStandardShare is the standard fee line's share of a payment's refunded fees, as
// domain.Payment.RefundedStandardFee works it out (pro rata, half-up to the fen; round() rounds
// a positive half up, and the division is exact to far more places than a fee has).
const refundedStandardShare = `CASE WHEN refunded_fees > 0 AND standard_fee + service_fee > 0
	THEN round(refunded_fees * standard_fee / (standard_fee + service_fee), 2) ELSE 0 END`

// booked counts the ledger transactions of kind for reference as ledger_references records
// them: one lookup, where ledger_transactions, partitioned by month, would take one per month.
// The checks "transaction is its reference's" and "reference names its transaction" find any
// transaction or reference row that disagrees, so this counts what ledger_transactions holds.
func booked(kind, reference string) string {
	return `(SELECT count(*) FROM ledger_references r WHERE r.kind = ` + kind + ` AND r.reference = ` + reference + `)`
}

// fullScope reads every row: the checks as they are written.
var fullScope = strings.NewReplacer(
	"{tx_entries}", "ledger_entries",
	"{transactions}", "ledger_transactions",
	"{customer_totals}", `(SELECT account_id, currency, sum(amount) AS total FROM ledger_entries
		WHERE book = 'CUSTOMER' GROUP BY account_id, currency)`,
	"{top_ups}", "top_ups", "{conversions}", "conversions", "{fx_settlements}", "fx_settlements",
	"{payments}", "payments", "{payouts}", "payouts",
	"{latest_postings}", `(SELECT account_id, currency, max(created_at) AS at, true AS every FROM ledger_entries
		WHERE book = 'CUSTOMER' GROUP BY account_id, currency)`)

// sinceScope reads what changed since the checkpoint (entries after entry id `after`), with
// the customer totals as rolled up at the checkpoint plus the entries since. audit_txn is the
// table of the ledger transactions to check, and the business rows are in the tables of rows
// (sinceRows; see AuditIncremental).
func sinceScope(after int64, rows []sinceRow) *strings.Replacer {
	pairs := []string{
		"{tx_entries}", `(SELECT * FROM ledger_entries WHERE transaction_id IN (SELECT id FROM audit_txn)) le`,
		"{transactions}", `(SELECT id, kind, reference FROM audit_txn)`,
		"{customer_totals}", fmt.Sprintf(`(SELECT account_id, currency, sum(total) AS total FROM (
			SELECT account_id, currency, total FROM ledger_audit_totals WHERE book = 'CUSTOMER'
			UNION ALL SELECT account_id, currency, amount FROM ledger_entries WHERE id > %d AND book = 'CUSTOMER') x
			GROUP BY account_id, currency)`, after),
		"{latest_postings}", fmt.Sprintf(`(SELECT account_id, currency, max(created_at) AS at, false AS every FROM ledger_entries
			WHERE id > %d AND book = 'CUSTOMER' GROUP BY account_id, currency)`, after),
	}
	for _, r := range rows {
		pairs = append(pairs, "{"+r.of+"}", r.temp())
	}
	return strings.NewReplacer(pairs...)
}

// sinceRow is a table of business rows the incremental audit checks: rows of the table `of`
// (the checks' placeholder {of}), kept in the temporary table audit_<of>, filled by query.
type sinceRow struct{ of, query string }

func (r sinceRow) temp() string { return "audit_" + r.of }

// sinceRows are the business rows the incremental audit checks: those whose time-ordered id is
// from `from` on and every row a new ledger transaction names. Each is kept in a temporary
// table, analyzed, so every check is planned knowing how few rows it reads (as subqueries,
// their estimates were the table's, and a check joined them to every month of the ledger).
func sinceRows(from string) []sinceRow {
	by := func(kinds string) string {
		return `(SELECT reference::uuid FROM audit_txn WHERE kind IN (` + kinds + `))`
	}
	f := "'" + from + "'::uuid"
	return []sinceRow{
		{"top_ups", `SELECT * FROM top_ups WHERE id IN (` + newer("top_ups", "id", f) + ` UNION ` + by("'TOP_UP'") + `)`},
		{"conversions", `SELECT * FROM conversions WHERE id IN (` + newer("conversions", "id", f) + ` UNION ` + by("'CONVERSION'") + `)`},
		{"fx_settlements", `SELECT * FROM fx_settlements WHERE id IN (` + newer("fx_settlements", "id", f) + ` UNION ` + by("'FX_SETTLEMENT'") + `)`},
		{"payments", `SELECT * FROM payments WHERE id IN (` + newer("payments", "id", f) + ` UNION ` + by("'PAYMENT', 'ESCROW_RELEASE'") + `
			UNION ` + newer("payouts", "payment_id", f) + ` UNION ` + lookup("payment_id", "payouts", "id", "'PAYOUT'") + `
			UNION ` + newer("refunds", "payment_id", f) + ` UNION ` + lookup("payment_id", "refunds", "id", "'REFUND'") + `)`},
		{"payouts", `SELECT * FROM payouts WHERE id IN (` + newer("payouts", "id", f) + ` UNION ` + by("'PAYOUT'") + `
			UNION ` + lookup("id", "payouts", "payment_id", "'ESCROW_RELEASE'") + `)`},
	}
}

// lookup selects col of the rows of table whose key column is the reference of a new ledger
// transaction of kind, one index lookup per transaction (the LIMIT keeps the planner from
// turning the few lookups into a hash join over the whole table).
func lookup(col, table, key, kind string) string {
	return `SELECT x.v FROM audit_txn a CROSS JOIN LATERAL (SELECT ` + col + ` AS v FROM ` + table +
		` WHERE ` + key + ` = a.reference::uuid LIMIT 1) x WHERE a.kind = ` + kind
}

// newer selects col of the rows of table whose time-ordered id is from f on: a range of its
// primary key. Candidates are gathered by UNION, each part on its own index, never by OR.
func newer(table, col, f string) string {
	return `SELECT ` + col + ` FROM ` + table + ` WHERE id >= ` + f
}

// byKey sets the incremental audit's transaction to join by index lookups, the rows it reads
// being what changed since the checkpoint: not by hashing or merging (which read whole tables),
// and without compiling its queries (JIT, worth it only for long scans). PostgreSQL costs a
// lookup in the ledger, partitioned by month, as one probe per month, though pruning at run
// time probes one; past some tens of thousands of changed rows it would turn the lookups into
// a scan of every month. On 10M payments, a 12-hour backlog (75,000 ledger transactions) took
// about 120 s that way and under 5 s by lookups: its cost grows with the backlog (and the
// number of balances, which it compares whole), not with the ledger. The first audit, with no
// checkpoint, reads the whole ledger and is planned as usual.
const byKey = `SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL jit = off`

// auditMargin is how far before an audit the next one starts re-reading rows by their
// time-ordered ids: longer than any transaction that writes them.
const auditMargin = 10 * time.Minute

// Audit runs every ledger check over the whole ledger and returns the violations found (none
// when healthy). When clean, it sets the incremental audit's checkpoint.
func (q queries) Audit(ctx context.Context) ([]domain.Violation, error) {
	return q.audit(ctx, true)
}

// AuditIncremental runs every ledger check over what changed since the last clean audit's
// checkpoint (the whole ledger when there is none) and, when clean, moves the checkpoint on.
// Its cost follows what changed, not the ledger's size: transactions with entries since the
// checkpoint's entry id or with newer ids are checked in full, business rows newer than the
// checkpoint or named by those transactions are checked against the ledger, and every
// customer balance is compared with the checkpoint's rolled-up totals plus the entries since.
// A row changed behind the ledger's back long ago without any new ledger transaction is the
// full audit's (`kjb audit`) to find.
func (q queries) AuditIncremental(ctx context.Context) ([]domain.Violation, error) {
	return q.audit(ctx, false)
}

func (q queries) audit(ctx context.Context, full bool) ([]domain.Violation, error) {
	pool, ok := q.q.(*pgxpool.Pool)
	if !ok {
		return nil, fmt.Errorf("audit: needs the pool, not a transaction")
	}
	upTo, err := ledgerWatermark(ctx, pool)
	if err != nil {
		return nil, fmt.Errorf("audit watermark: %w", err)
	}
	var from string
	next := uuid7Floor(time.Now().Add(-auditMargin))
	var out []domain.Violation
	err = pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var after int64
		from = "00000000-0000-0000-0000-000000000000"
		if _, err := tx.Exec(ctx, `LOCK TABLE ledger_audit_checkpoint IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		scope := fullScope
		if !full {
			err := tx.QueryRow(ctx, `SELECT entry_id, rows_from::text FROM ledger_audit_checkpoint`).Scan(&after, &from)
			switch {
			case err == nil:
				if _, err := tx.Exec(ctx, byKey); err != nil {
					return err
				}
			case err != pgx.ErrNoRows:
				return err
			}
			if _, err := tx.Exec(ctx, fmt.Sprintf(`CREATE TEMP TABLE audit_txn ON COMMIT DROP AS
				SELECT id, kind, reference FROM ledger_transactions WHERE id IN (
					SELECT transaction_id FROM ledger_entries WHERE id > %d AND id <= %d)
				UNION SELECT id, kind, reference FROM ledger_transactions WHERE id >= '%s'::uuid`, after, upTo, from)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `ANALYZE audit_txn`); err != nil {
				return err
			}
			since := sinceRows(from)
			for _, r := range since {
				if _, err := tx.Exec(ctx, `CREATE TEMP TABLE `+r.temp()+` ON COMMIT DROP AS `+r.query); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `ANALYZE `+r.temp()); err != nil {
					return err
				}
			}
			scope = sinceScope(after, since)
		}
		for _, c := range auditChecks {
			if c.fullOnly && !full {
				continue
			}
			rows, err := tx.Query(ctx, scope.Replace(c.sql))
			if err != nil {
				return fmt.Errorf("audit %q: %w", c.name, err)
			}
			details, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return fmt.Errorf("audit %q: %w", c.name, err)
			}
			for _, d := range details {
				out = append(out, domain.Violation{Check: c.name, Detail: d})
			}
		}
		if len(out) > 0 {
			return nil // the checkpoint stays: the next audit reports the violation again
		}
		return moveCheckpoint(ctx, tx, full, after, upTo, next)
	})
	return out, err
}

// ledgerWatermark returns an entry id below which no entry can still appear: the last id the
// entries' sequence handed out (LedgerHorizon's; a read of the sequence, not of every month's
// entries), once every transaction that was writing the ledger when it was read has ended. A
// writer holds its lock on ledger_entries from before it draws an id until it ends, so the
// writers still running after the read hold every id that was drawn and not yet committed;
// their end is awaited (as CREATE INDEX CONCURRENTLY awaits lockers), taking no lock, so
// payments never wait for the audit. Ids of rolled-back writers are never used: gaps.
func ledgerWatermark(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	upTo, _, err := queries{q: pool}.LedgerHorizon(ctx)
	if err != nil {
		return 0, err
	}
	running, err := waitForWriters(ctx, pool, []string{"ledger_entries"}, []string{"RowExclusiveLock"}, time.Minute)
	if err != nil {
		return 0, err
	}
	if running > 0 {
		return 0, fmt.Errorf("%d ledger writers still running after a minute", running)
	}
	return upTo, nil
}

// waitForWriters waits (up to wait) until every other transaction of this database that holds
// a lock in one of modes on one of the tables when it is called has ended, and returns how many
// are still running when it gives up (0 once they have all ended).
func waitForWriters(ctx context.Context, q querier, tables, modes []string, wait time.Duration) (int, error) {
	var writers []string
	err := q.QueryRow(ctx, `SELECT coalesce(array_agg(DISTINCT virtualtransaction), '{}') FROM pg_locks
		WHERE locktype = 'relation' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND relation = ANY($1::text[]::regclass[]) AND mode = ANY($2) AND granted AND pid <> pg_backend_pid()`, tables, modes).Scan(&writers)
	if err != nil {
		return 0, err
	}
	deadline := time.Now().Add(wait)
	for len(writers) > 0 {
		var running int
		if err := q.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'virtualxid' AND virtualxid = ANY($1)`,
			writers).Scan(&running); err != nil {
			return 0, err
		}
		if running == 0 || time.Now().After(deadline) {
			return running, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return 0, nil
}

// moveCheckpoint records that the ledger is verified up to entry upTo: the rolled-up totals
// per book, account and currency gain the entries after `after` (all of them, from zero, after
// a full audit).
func moveCheckpoint(ctx context.Context, tx pgx.Tx, full bool, after, upTo int64, next string) error {
	if full {
		after = 0
		if _, err := tx.Exec(ctx, `DELETE FROM ledger_audit_totals`); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO ledger_audit_totals (book, account_id, currency, total)
		SELECT book, coalesce(account_id, '00000000-0000-0000-0000-000000000000'), currency, sum(amount)
		FROM ledger_entries WHERE id > $1 AND id <= $2 GROUP BY 1, 2, 3
		ON CONFLICT (book, account_id, currency) DO UPDATE SET total = ledger_audit_totals.total + EXCLUDED.total`, after, upTo)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO ledger_audit_checkpoint (entry_id, rows_from, verified_at) VALUES ($1, $2, now())
		ON CONFLICT (singleton) DO UPDATE SET entry_id = EXCLUDED.entry_id, rows_from = EXCLUDED.rows_from, verified_at = EXCLUDED.verified_at`,
		upTo, next)
	return err
}

// uuid7Floor is the smallest time-ordered (version 7) UUID of the millisecond at t: every id
// made at t or later sorts at or above it.
func uuid7Floor(t time.Time) string {
	var b [16]byte
	ms := uint64(t.UnixMilli())
	for i := 0; i < 6; i++ {
		b[i] = byte(ms >> (40 - 8*i))
	}
	return uuid.UUID(b).String()
}

func parseInt64(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil && v > 0
}
