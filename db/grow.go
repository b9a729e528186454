package db

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// GrowShape is what Grow builds: a year of history on a few partners, most volume on the first.
type GrowShape struct {
	Payments int // payments to add
	// Accounts the payments are spread over (default GrowAccounts(Payments)); 80% of them, and
	// of the payments, are the main partner's.
	Accounts int
	Batch    int // payments per statement batch (default 200,000)
	// Progress, when set, hears after each batch how many payments are in.
	Progress func(done int)
}

// GrowResult names what the measurements read on the grown database.
type GrowResult struct {
	MainPartnerID string // the partner with most of the volume
	BusyAccountID string // an account of the main partner with many payments
	// Cursors half-way down the main partner's lists (events: half-way through their 90 days).
	DeepPayment, DeepPayout, DeepOrder, DeepEvent string
	// Until is the end of the grown year: the reads' days and months are counted back from it,
	// so a database kept for later runs is read over the same data.
	Until time.Time
}

// growSetup creates the partners, accounts, members, links and suppliers, and the helper
// function that makes a time-ordered (version 7) UUID for a past instant.
const growSetup = `
CREATE OR REPLACE FUNCTION pg_temp.uuid7_at(ts timestamptz) RETURNS uuid LANGUAGE sql VOLATILE AS $f$
	SELECT encode(overlay(overlay(uuid_send(gen_random_uuid())
		PLACING substring(int8send((extract(epoch FROM ts) * 1000)::bigint) FROM 3) FROM 1 FOR 6)
		PLACING set_byte('\x00'::bytea, 0, (x'70'::int | (get_byte(uuid_send(gen_random_uuid()), 6) & 15))) FROM 7 FOR 1), 'hex')::uuid
$f$;
CREATE TEMP TABLE g_partner AS
	SELECT k, pg_temp.uuid7_at($1::timestamptz) AS id, CASE WHEN k = 0 THEN 'grow-main' ELSE 'grow-' || k END AS code
	FROM generate_series(0, 4) k;
INSERT INTO partners (id, code, name, created_at) SELECT id, code, 'Grown ' || code, $1 FROM g_partner;
-- Account k belongs to partner 0 unless k % 5 = 4 (then to partner 1..4): 80% of the volume is on partner 0.
CREATE TEMP TABLE g_account AS
	SELECT k, CASE WHEN k % 5 = 4 THEN 1 + (k / 5) % 4 ELSE 0 END AS pk,
		pg_temp.uuid7_at($1::timestamptz + k * interval '1 second') AS id,
		pg_temp.uuid7_at($1::timestamptz + k * interval '1 second') AS member_id,
		pg_temp.uuid7_at($1::timestamptz + k * interval '1 second') AS link_id
	FROM generate_series(0, $2::int - 1) k;
INSERT INTO accounts (id, name, type, country, kyc_status, service_fee_rate, created_at)
	SELECT id, 'Grown buyer ' || k, 'CORPORATE', 'GB', 'VERIFIED', 0.002, $1 FROM g_account;
INSERT INTO marketplace_members (id, partner_id, member_id, type, alipay_verified, authorized, mainland_alipay_linked,
		alipay_international_linked, created_at, updated_at)
	SELECT a.member_id, p.id, 'gm' || a.k, 'CORPORATE', true, true, true, false, $1, $1 FROM g_account a JOIN g_partner p ON p.k = a.pk;
INSERT INTO marketplace_links (id, account_id, partner_id, member_row_id, status, cross_border_pay_active, created_at)
	SELECT a.link_id, a.id, p.id, a.member_id, 'ACTIVE', true, $1 FROM g_account a JOIN g_partner p ON p.k = a.pk;
CREATE TEMP TABLE g_supplier AS
	SELECT p.k AS pk, s AS sk, pg_temp.uuid7_at($1::timestamptz) AS id FROM g_partner p, generate_series(0, $3::int - 1) s;
INSERT INTO suppliers (id, partner_id, supplier_id, name, accepts_cross_border_pay, payout_account, created_at, updated_at)
	SELECT s.id, p.id, 'gs' || s.sk, 'Grown supplier ' || s.sk, true, '6222' || lpad((s.pk * 100000 + s.sk)::text, 11, '0') || '1', $1, $1
	FROM g_supplier s JOIN g_partner p ON p.k = s.pk;
CREATE INDEX ON g_account (k);
CREATE INDEX ON g_supplier (pk, sk);
ANALYZE g_partner; ANALYZE g_account; ANALYZE g_supplier;
`

// growBatch adds payments $1 ≤ i < $2 of $3, spread evenly over the year from $4 to $5:
// orders, payments, refunds two days later (every 20th in full, every 20th + 1 half), released escrows with
// paid payouts (older than ten days), a monthly top-up per account covering its debits, all
// their ledger transactions and entries (customer entries with their balance after), events
// for the last 90 days and idempotency keys for the last 30 days. $6 is the number of accounts,
// $7 of suppliers per partner.
var growBatch = `
CREATE TEMP TABLE g_pay ON COMMIT DROP AS
SELECT i, ts, a.id AS account_id, a.pk, p.id AS partner_id, a.member_id, s.id AS supplier_id,
	amount, round(amount * 0.004, 2) AS std_fee, round(amount * 0.002, 2) AS svc_fee,
	CASE WHEN ts >= $5::timestamptz - interval '2 days' THEN 0
		WHEN i % 20 = 0 THEN amount WHEN i % 20 = 1 THEN round(amount / 2, 2) ELSE 0 END AS refunded,
	CASE WHEN ts >= $5::timestamptz - interval '2 days' THEN 0
		WHEN i % 20 = 0 THEN round(amount * 0.004, 2) + round(amount * 0.002, 2)
		WHEN i % 20 = 1 THEN round((round(amount * 0.004, 2) + round(amount * 0.002, 2)) / 2, 2) ELSE 0 END AS refunded_fees,
	i % 20 <> 0 AND ts < $5::timestamptz - interval '10 days' AS released,
	pg_temp.uuid7_at(ts) AS order_id, pg_temp.uuid7_at(ts) AS payment_id, pg_temp.uuid7_at(ts) AS pay_tx,
	pg_temp.uuid7_at(ts + interval '2 days') AS refund_id, pg_temp.uuid7_at(ts + interval '2 days') AS refund_tx,
	pg_temp.uuid7_at(ts + interval '10 days') AS release_tx, pg_temp.uuid7_at(ts + interval '10 days') AS payout_id,
	pg_temp.uuid7_at(ts + interval '10 days 1 hour') AS payout_tx
FROM (SELECT i, $4::timestamptz + ($5::timestamptz - $4::timestamptz) * (i::float8 / $3) AS ts,
		((i::bigint * 2654435761) % $6)::int AS ak, ((i::bigint * 40503) % $7)::int AS sk,
		(100 + (i::bigint * 7919) % 20000 + ((i::bigint * 31) % 50) * 0.02)::numeric(14, 2) AS amount
	FROM generate_series($1::int, $2::int - 1) i) g
JOIN g_account a ON a.k = g.ak JOIN g_partner p ON p.k = a.pk JOIN g_supplier s ON s.pk = a.pk AND s.sk = g.sk;

INSERT INTO orders (id, partner_id, external_id, buyer_member_row_id, supplier_row_id, amount, currency, trade_mode,
		contains_prohibited_items, red_packet_discount, status, created_at, updated_at)
SELECT order_id, partner_id, 'go' || i, member_id, supplier_id, amount, 'CNY', 'SECURED_TRANSACTION', false, false,
	CASE WHEN refunded = amount THEN 'REFUNDED' WHEN refunded > 0 THEN 'PARTIALLY_REFUNDED' WHEN released THEN 'COMPLETED' ELSE 'PAID' END,
	ts, ts FROM g_pay ORDER BY i;

INSERT INTO payments (id, order_id, partner_id, account_id, supplier_row_id, method, status, amount, standard_rate, standard_fee,
		service_rate, service_fee, debited_amount, debited_currency, escrow_status, refunded_amount, refunded_fees, credited_back,
		refunded_standard_fee, created_at, released_at)
SELECT payment_id, order_id, partner_id, account_id, supplier_id, 'WORLD_PAY',
	CASE WHEN refunded = amount THEN 'REFUNDED' WHEN refunded > 0 THEN 'PARTIALLY_REFUNDED' ELSE 'SUCCEEDED' END,
	amount, 0.004, std_fee, 0.002, svc_fee, amount + std_fee + svc_fee, 'CNH',
	CASE WHEN refunded = amount THEN 'REFUNDED' WHEN released THEN 'RELEASED' ELSE 'HELD' END,
	refunded, refunded_fees, refunded + refunded_fees,
	` + strings.NewReplacer("standard_fee", "std_fee", "service_fee", "svc_fee").Replace(refundedStandardShare) + `,
	ts, CASE WHEN released THEN ts + interval '10 days' END
FROM g_pay ORDER BY i;

INSERT INTO refunds (id, payment_id, amount, fees_refunded, credited_amount, credited_currency, reason, created_at)
SELECT refund_id, payment_id, refunded, refunded_fees, refunded + refunded_fees, 'CNH', 'grown', ts + interval '2 days'
FROM g_pay WHERE refunded > 0 ORDER BY i;

INSERT INTO payouts (id, payment_id, order_id, partner_id, account_id, supplier_row_id, amount, currency, status, attempts,
		rail_reference, created_at, paid_at)
SELECT payout_id, payment_id, order_id, partner_id, account_id, supplier_id, amount - refunded, 'CNY', 'PAID', 1,
	'rail-' || payout_id, ts + interval '10 days', ts + interval '10 days 1 hour'
FROM g_pay WHERE released ORDER BY i;

INSERT INTO sandbox_rail_transfers (payout_id, account, amount, status, attempts, reference, updated_at)
SELECT payout_id, '6222', amount - refunded, 'PAID', 1, 'rail-' || payout_id, ts + interval '10 days 1 hour' FROM g_pay WHERE released;

-- A top-up per account at the batch's start covers the batch's debits.
CREATE TEMP TABLE g_topup ON COMMIT DROP AS
SELECT account_id, pg_temp.uuid7_at(min(ts) - interval '1 minute') AS id, pg_temp.uuid7_at(min(ts) - interval '1 minute') AS tx,
	min(ts) - interval '1 minute' AS ts, sum(amount + std_fee + svc_fee) + 100 AS amount
FROM g_pay GROUP BY account_id;

INSERT INTO top_ups (id, account_id, currency, amount, reference, created_at)
SELECT id, account_id, 'CNH', amount, 'grow-' || $1 || '-' || id, ts FROM g_topup;

-- Each transaction's (kind, reference) row is written by the ledger's trigger, or here when
-- triggers are off (session_replication_role = replica).
WITH t AS (
	INSERT INTO ledger_transactions (id, kind, reference, created_at)
	SELECT tx, 'TOP_UP', id::text, ts FROM g_topup
	UNION ALL SELECT pay_tx, 'PAYMENT', payment_id::text, ts FROM g_pay
	UNION ALL SELECT refund_tx, 'REFUND', refund_id::text, ts + interval '2 days' FROM g_pay WHERE refunded > 0
	UNION ALL SELECT release_tx, 'ESCROW_RELEASE', payment_id::text, ts + interval '10 days' FROM g_pay WHERE released
	UNION ALL SELECT payout_tx, 'PAYOUT', payout_id::text, ts + interval '10 days 1 hour' FROM g_pay WHERE released
	RETURNING id, kind, reference)
INSERT INTO ledger_references (kind, reference, transaction_id)
SELECT kind, reference, id FROM t WHERE current_setting('session_replication_role') = 'replica';

-- Entries in time order; a customer entry's balance after is the balance before the batch plus
-- the running sum of the account's entries in this batch.
WITH e AS (
	SELECT tx, 0 AS n, 'CUSTOMER' AS book, account_id, 'CNH' AS currency, amount, ts FROM g_topup
	UNION ALL SELECT tx, 1, 'TOP_UP_CLEARING', NULL, 'CNH', -amount, ts FROM g_topup
	UNION ALL SELECT pay_tx, 0, 'CUSTOMER', account_id, 'CNH', -(amount + std_fee + svc_fee), ts FROM g_pay
	UNION ALL SELECT pay_tx, 1, 'ESCROW', NULL, 'CNH', amount, ts FROM g_pay
	UNION ALL SELECT pay_tx, 2, 'FEE_REVENUE', NULL, 'CNH', std_fee + svc_fee, ts FROM g_pay
	UNION ALL SELECT refund_tx, 0, 'ESCROW', NULL, 'CNH', -refunded, ts + interval '2 days' FROM g_pay WHERE refunded > 0
	UNION ALL SELECT refund_tx, 1, 'FEE_REVENUE', NULL, 'CNH', -refunded_fees, ts + interval '2 days' FROM g_pay WHERE refunded > 0
	UNION ALL SELECT refund_tx, 2, 'CUSTOMER', account_id, 'CNH', refunded + refunded_fees, ts + interval '2 days' FROM g_pay WHERE refunded > 0
	UNION ALL SELECT release_tx, 0, 'ESCROW', NULL, 'CNH', -(amount - refunded), ts + interval '10 days' FROM g_pay WHERE released
	UNION ALL SELECT release_tx, 1, 'SUPPLIER_PAYABLE', NULL, 'CNH', amount - refunded, ts + interval '10 days' FROM g_pay WHERE released
	UNION ALL SELECT payout_tx, 0, 'SUPPLIER_PAYABLE', NULL, 'CNH', -(amount - refunded), ts + interval '10 days 1 hour' FROM g_pay WHERE released
	UNION ALL SELECT payout_tx, 1, 'FX_POSITION', NULL, 'CNH', amount - refunded, ts + interval '10 days 1 hour' FROM g_pay WHERE released
	UNION ALL SELECT payout_tx, 2, 'FX_POSITION', NULL, 'CNY', -(amount - refunded), ts + interval '10 days 1 hour' FROM g_pay WHERE released
	UNION ALL SELECT payout_tx, 3, 'PAYOUT_CLEARING', NULL, 'CNY', amount - refunded, ts + interval '10 days 1 hour' FROM g_pay WHERE released
), ordered AS (
	SELECT e.*, row_number() OVER (ORDER BY ts, tx, n) AS ord FROM e WHERE amount <> 0
)
INSERT INTO ledger_entries (transaction_id, book, account_id, currency, amount, balance_after, created_at)
SELECT tx, book, o.account_id, o.currency, amount,
	CASE WHEN book = 'CUSTOMER' THEN coalesce(b.available, 0) + sum(amount) OVER (PARTITION BY o.account_id ORDER BY ord) END, ts
FROM ordered o LEFT JOIN balances b ON b.account_id = o.account_id AND b.currency = 'CNH'
ORDER BY ord;

INSERT INTO balances (account_id, currency, available, updated_at)
SELECT account_id, 'CNH', sum(delta), max(ts) FROM (
	SELECT account_id, amount AS delta, ts FROM g_topup
	UNION ALL SELECT account_id, -(amount + std_fee + svc_fee), ts FROM g_pay
	UNION ALL SELECT account_id, refunded + refunded_fees, ts FROM g_pay WHERE refunded > 0) d
GROUP BY account_id
ON CONFLICT (account_id, currency) DO UPDATE SET available = balances.available + EXCLUDED.available, updated_at = EXCLUDED.updated_at;

INSERT INTO events (id, type, occurred_at, account_id, partner_id, object_type, object_id, payment_id)
SELECT pg_temp.uuid7_at(ets), type, ets, account_id, partner_id, object_type, object_id, payment_id FROM (
	SELECT ts AS ets, 'order.paid' AS type, account_id, partner_id, 'Order' AS object_type, order_id AS object_id, payment_id, i, 0 AS n FROM g_pay
	UNION ALL SELECT ts, 'payment.succeeded', account_id, partner_id, 'Payment', payment_id, payment_id, i, 1 FROM g_pay
	UNION ALL SELECT ts + interval '2 days', 'refund.succeeded', account_id, partner_id, 'Refund', refund_id, payment_id, i, 2 FROM g_pay WHERE refunded > 0
	UNION ALL SELECT ts + interval '10 days', 'order.completed', account_id, partner_id, 'Order', order_id, payment_id, i, 3 FROM g_pay WHERE released
	UNION ALL SELECT ts + interval '10 days 1 hour', 'payout.paid', account_id, partner_id, 'Payout', payout_id, payment_id, i, 4 FROM g_pay WHERE released
) v WHERE ets >= $5::timestamptz - interval '90 days' AND ets < $5::timestamptz ORDER BY ets, i, n;

INSERT INTO idempotency_keys (principal, key, operation, request_hash, result_id, created_at)
SELECT 'partner:' || partner_id, 'grow-' || i, 'payOrder', md5(i::text), payment_id::text, ts
FROM g_pay WHERE ts >= $5::timestamptz - interval '30 days';
`

// growPartitions makes the weekly partitions of the events (90 days) and idempotency keys (30
// days) growBatch writes, up to $1.
const growPartitions = `
SELECT kjb_ensure_partition(t.parent, t.key, w, w + interval '168 hours')
FROM (VALUES ('events'::regclass, 'occurred_at', interval '90 days'), ('idempotency_keys'::regclass, 'created_at', interval '30 days')) t(parent, key, span),
	generate_series(date_trunc('week', $1::timestamptz - t.span, 'UTC'), $1::timestamptz, interval '168 hours') w`

// GrowAccounts is how many accounts Grow spreads n payments over by default: one per 1,000
// payments (about 1,000 payments a year each), and at least 100.
func GrowAccounts(n int) int { return max(100, n/1000) }

// Grow adds a year of consistent history to the database, set-based: every payment with its
// order, ledger transaction and entries (balanced; customer balances equal to their entries),
// refunds, released escrows with paid payouts, top-ups, events and idempotency keys. It is for
// `kjb bench -grow`, never for a production database.
func Grow(ctx context.Context, pool *pgxpool.Pool, shape GrowShape, now time.Time) (GrowResult, error) {
	n := shape.Payments
	batch := shape.Batch
	if batch <= 0 {
		batch = 200000
	}
	accounts := shape.Accounts
	if accounts <= 0 {
		accounts = GrowAccounts(n)
	}
	suppliers := max(20, n/20000)
	from, to := now.Add(-365*24*time.Hour), now.Add(-time.Minute)
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return GrowResult{}, err
	}
	defer conn.Release()
	// One session: the setup's temporary tables and function live in it.
	if _, err := conn.Exec(ctx, `SET synchronous_commit = off`); err != nil {
		return GrowResult{}, err
	}
	// Foreign keys are not checked row by row while growing (a superuser may skip them; the
	// rows are made consistent by construction, and the audit after the grow checks the ledger).
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		if _, err := conn.Exec(ctx, `RESET session_replication_role`); err != nil {
			return GrowResult{}, err
		}
	}
	defer conn.Exec(context.WithoutCancel(ctx), `RESET session_replication_role`) //nolint:errcheck
	// The ledger's months of the year grown (top-ups are dated a minute before their batch).
	if _, err := conn.Exec(ctx, `SELECT ledger_create_month(m::date) FROM generate_series(
			date_trunc('month', ($1::timestamptz - interval '1 day') AT TIME ZONE 'UTC'), $2::timestamptz AT TIME ZONE 'UTC', interval '1 month') m`,
		from, to); err != nil {
		return GrowResult{}, fmt.Errorf("grow ledger months: %w", err)
	}
	// The simple protocol runs a script of several statements; pgx interpolates the arguments.
	if _, err := conn.Exec(ctx, growSetup, pgx.QueryExecModeSimpleProtocol, from, accounts, suppliers); err != nil {
		return GrowResult{}, fmt.Errorf("grow setup: %w", err)
	}
	// The weeks of grown events and idempotency keys get their partitions first, as the
	// retention job would have made them, so the rows do not pile up in the catch-all ones.
	if _, err := conn.Exec(ctx, growPartitions, to); err != nil {
		return GrowResult{}, fmt.Errorf("grow partitions: %w", err)
	}
	// The partitions made above take their tables' autovacuum settings (migration 0090).
	if _, err := conn.Exec(ctx, `SELECT apply_table_storage_settings()`); err != nil {
		return GrowResult{}, fmt.Errorf("grow storage settings: %w", err)
	}
	for lo := 0; lo < n; lo += batch {
		hi := min(n, lo+batch)
		tx, err := conn.Begin(ctx)
		if err != nil {
			return GrowResult{}, err
		}
		if _, err := tx.Exec(ctx, growBatch, pgx.QueryExecModeSimpleProtocol, lo, hi, n, from, to, accounts, suppliers); err != nil {
			_ = tx.Rollback(ctx)
			return GrowResult{}, fmt.Errorf("grow payments %d–%d: %w", lo, hi, err)
		}
		if err := tx.Commit(ctx); err != nil {
			return GrowResult{}, err
		}
		if shape.Progress != nil {
			shape.Progress(hi)
		}
	}
	// The row trigger that records backdated customer entries is off while growing (replica),
	// and the balances were summed, not moved by the writer: their latest posting times too.
	if _, err := conn.Exec(ctx, `SELECT ledger_note_backdated_entries(), ledger_note_posted_until()`); err != nil {
		return GrowResult{}, fmt.Errorf("grow: backdated entries: %w", err)
	}
	r := GrowResult{Until: now}
	err = conn.QueryRow(ctx, `SELECT p.id::text, a.id::text,
			coalesce((SELECT id::text FROM payments WHERE partner_id = p.id AND created_at < $1 ORDER BY created_at DESC LIMIT 1), ''),
			coalesce((SELECT id::text FROM payouts WHERE partner_id = p.id AND created_at < $1 ORDER BY created_at DESC LIMIT 1), ''),
			coalesce((SELECT id::text FROM orders WHERE partner_id = p.id AND created_at < $1 ORDER BY created_at DESC LIMIT 1), ''),
			coalesce((SELECT seq::text FROM events WHERE partner_id = p.id AND occurred_at < $2 ORDER BY occurred_at DESC LIMIT 1), '')
		FROM g_partner p JOIN g_account a ON a.pk = p.k WHERE p.k = 0 ORDER BY a.k LIMIT 1`,
		now.Add(-182*24*time.Hour), now.Add(-45*24*time.Hour)).
		Scan(&r.MainPartnerID, &r.BusyAccountID, &r.DeepPayment, &r.DeepPayout, &r.DeepOrder, &r.DeepEvent)
	return r, err
}

// grownNote is what a grown database says of itself, kept as its comment so a later run can
// measure it again without growing it anew.
type grownNote struct {
	Payments int        `json:"payments"`
	Result   GrowResult `json:"result"`
}

// RememberGrowth notes, on the pool's database, the size it was grown to and what Grow found.
func RememberGrowth(ctx context.Context, pool *pgxpool.Pool, payments int, r GrowResult) error {
	note, err := json.Marshal(grownNote{Payments: payments, Result: r})
	if err != nil {
		return err
	}
	var name string
	if err := pool.QueryRow(ctx, `SELECT current_database()`).Scan(&name); err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `COMMENT ON DATABASE `+pgx.Identifier{name}.Sanitize()+` IS `+quoteLiteral(string(note)))
	return err
}

// RecallGrowth reads what RememberGrowth noted on the pool's database.
func RecallGrowth(ctx context.Context, pool *pgxpool.Pool) (int, GrowResult, error) {
	var text *string
	if err := pool.QueryRow(ctx, `SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()`).
		Scan(&text); err != nil {
		return 0, GrowResult{}, err
	}
	var note grownNote
	if text == nil || json.Unmarshal([]byte(*text), &note) != nil || note.Payments == 0 {
		return 0, GrowResult{}, errors.New("this database was not grown by kjb bench -grow")
	}
	return note.Payments, note.Result, nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
