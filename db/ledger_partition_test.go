package db_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/shopspring/decimal"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/internal/testdb"
)

// uuid7At is a time-ordered id made at t, as the store makes them at the time they are written.
func uuid7At(t time.Time) string {
	id := uuid.Must(uuid.NewV7())
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(t.UnixMilli()))
	copy(id[:6], ms[2:])
	return id.String()
}

// ledgerDigest is an md5 of every ledger row as stored, and the entry id sequence's position.
func ledgerDigest(t *testing.T, d testdb.DB) string {
	t.Helper()
	var s string
	err := d.Pool.QueryRow(context.Background(), `SELECT
			(SELECT md5(string_agg(row(t.id, t.kind, t.reference, t.created_at)::text, ',' ORDER BY t.id)) FROM ledger_transactions t)
			|| (SELECT md5(string_agg(row(e.id, e.transaction_id, e.book, e.account_id, e.currency, e.amount, e.balance_after, e.created_at)::text, ',' ORDER BY e.id)) FROM ledger_entries e)
			|| coalesce(pg_sequence_last_value(pg_get_serial_sequence('ledger_entries', 'id')::regclass)::text, ' (no entry id drawn)')`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLedgerPartitionMigration migrates a database holding a ledger written by the schema
// before the ledger was partitioned (months of top-ups, a transaction whose id is no UUIDv7,
// sealed entries) and checks that every row, the entry ids' sequence, the seals and the audit
// come through, each month's rows in its partitions, and that the constraints still hold.
func TestLedgerPartitionMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := testdb.Empty(t)
	if _, err := db.MigrateUpTo(ctx, d.Pool, 69); err != nil {
		t.Fatal(err)
	}
	store := db.NewStore(d.Pool, nil)
	svc := domain.NewService(store, domain.SystemClock{}, domain.Config{})
	account := uuid7At(time.Now().AddDate(0, -4, 0))
	if _, err := d.Pool.Exec(ctx, `INSERT INTO accounts (id, name, type, country, kyc_status, service_fee_rate, created_at)
		VALUES ($1, 'Before', 'CORPORATE', 'GB', 'VERIFIED', 0.002, now() - interval '4 months')`, account); err != nil {
		t.Fatal(err)
	}
	// topUp writes a top-up of amount at `at` with its ledger transaction (the customer entry's
	// balance after is after) and moves the balance with the statement balance, as the writer
	// of that schema stored them (today's writer also keeps the balance's latest posting time,
	// a column of a later migration).
	topUp := func(at time.Time, amount, after int, balance string, args ...any) {
		t.Helper()
		id := uuid7At(at)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO top_ups (id, account_id, currency, amount, reference, created_at) VALUES ($1, $2, 'CNH', $4, $5, $3)`, []any{id, account, at, amount, id}},
			{`WITH t AS (INSERT INTO ledger_transactions (id, kind, reference, created_at) VALUES ($1, 'TOP_UP', $6, $2) RETURNING id)
			INSERT INTO ledger_entries (transaction_id, book, account_id, currency, amount, balance_after, created_at)
			SELECT t.id, b, a, 'CNH', x, CASE WHEN a IS NOT NULL THEN $4::int END, $2 FROM t,
				(VALUES ('CUSTOMER', $3::uuid, $5::int), ('TOP_UP_CLEARING', NULL, -$5::int)) v(b, a, x)`, []any{id, at, account, after, amount, id}},
			{balance, args},
		} {
			if _, err := d.Pool.Exec(ctx, q.sql, q.args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	now := time.Now()
	topUp(now, 5, 5, `INSERT INTO balances (account_id, currency, available, updated_at) VALUES ($1, 'CNH', 5, $2)`, account, now)
	// Rows of past months: their transactions' ids are of their time.
	months := map[string]int{}
	for i, back := range []int{3, 2, 2, 1} {
		at := time.Now().UTC().AddDate(0, -back, 0)
		months[at.Format("2006_01")]++
		topUp(at, 10, 5+10*(i+1), `UPDATE balances SET available = available + 10 WHERE account_id = $1`, account)
	}
	// A transaction whose id is no UUIDv7 (it belongs to no month).
	if _, err := d.Pool.Exec(ctx, `WITH t AS (INSERT INTO ledger_transactions (id, kind, reference, created_at)
			VALUES (gen_random_uuid(), 'FEE_TRANSFER', 'v4', now()) RETURNING id)
		INSERT INTO ledger_entries (transaction_id, book, currency, amount, created_at)
		SELECT t.id, b, 'CNH', x, now() FROM t, (VALUES ('FEE_REVENUE', -1), ('ESCROW', 1)) v(b, x)`); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SealLedger(ctx, 3, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	before := ledgerDigest(t, d)

	if _, err := db.Migrate(ctx, d.Pool); err != nil {
		t.Fatal(err)
	}
	if after := ledgerDigest(t, d); after != before {
		t.Fatalf("ledger changed by the migration:\n%s\n%s", before, after)
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := d.Pool.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM pg_inherits WHERE inhparent = 'ledger_entries'::regclass`); n < 4+len(months)+1 {
		t.Errorf("%d entry partitions, want one per past month, the current and three ahead, and DEFAULT", n)
	}
	for month, txs := range months {
		if n := count(`SELECT count(*) FROM ledger_transactions_` + month); n != txs {
			t.Errorf("ledger_transactions_%s holds %d transactions, want %d", month, n, txs)
		}
		if n := count(`SELECT count(*) FROM ledger_entries_` + month); n != 2*txs {
			t.Errorf("ledger_entries_%s holds %d entries, want %d", month, n, 2*txs)
		}
	}
	if n := count(`SELECT count(*) FROM ledger_entries_default e JOIN ledger_transactions_default t ON t.id = e.transaction_id AND t.reference = 'v4'`); n != 2 {
		t.Errorf("DEFAULT holds %d entries of the transaction with no UUIDv7 id, want 2", n)
	}
	if n := count(`SELECT count(*) FROM ledger_transactions t FULL JOIN ledger_references r ON r.transaction_id = t.id
		AND r.kind = t.kind AND r.reference = t.reference WHERE t.id IS NULL OR r.transaction_id IS NULL`); n != 0 {
		t.Errorf("%d transactions and references do not match", n)
	}
	v, err := svc.VerifyLedger(ctx)
	if err != nil || v.Failure != nil || v.Seals < 3 || v.Unsealed != 0 {
		t.Fatalf("seals after migrating: %+v %v", v, err)
	}
	if vs, err := svc.Audit(ctx); err != nil || len(vs) != 0 {
		t.Fatalf("audit after migrating: %v %v", vs, err)
	}
	// The ids go on from where they were, and the month's partitions take the new rows.
	last := count(`SELECT max(id) FROM ledger_entries`)
	id := uuid7At(time.Now())
	if _, err := d.Pool.Exec(ctx, `INSERT INTO top_ups (id, account_id, currency, amount, reference, created_at)
		VALUES ($1, $2, 'CNH', 1, $3, now())`, id, account, id); err != nil {
		t.Fatal(err)
	}
	one := decimal.RequireFromString("1.00")
	err = store.InTx(ctx, func(ctx context.Context, tx domain.Tx) error {
		return tx.PostLedger(ctx, domain.LedgerTx{Kind: domain.LedgerTopUp, Reference: id, CreatedAt: time.Now(), Entries: []domain.Entry{
			{Book: domain.BookCustomer, AccountID: account, Amount: domain.Money{Amount: one, Currency: "CNH"}},
			{Book: domain.BookTopUpClearing, Amount: domain.Money{Amount: one.Neg(), Currency: "CNH"}}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM ledger_entries WHERE id > $1 AND tableoid = to_regclass('ledger_entries_' || to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM'))`, last); n != 2 {
		t.Errorf("%d new entries in this month's partition after id %d, want 2", n, last)
	}
	if vs, err := svc.Audit(ctx); err != nil || len(vs) != 0 {
		t.Fatalf("audit after a new top-up: %v %v", vs, err)
	}
	// One transaction per kind and reference, across months.
	_, err = d.Pool.Exec(ctx, `INSERT INTO ledger_transactions (id, kind, reference, created_at)
		SELECT $1, kind, reference, now() FROM ledger_transactions WHERE reference <> 'v4' ORDER BY id LIMIT 1`, db.NewID())
	var pg *pgconn.PgError
	if !errors.As(err, &pg) || pg.Code != "23505" {
		t.Errorf("a second transaction for a reference: %v", err)
	}
	// Append-only on every partition, through the parent or not.
	for _, table := range []string{"ledger_entries", "ledger_transactions", "ledger_references", "ledger_entries_" + firstMonth(months)} {
		if _, err := d.Pool.Exec(ctx, fmt.Sprintf(`DELETE FROM %s`, table)); err == nil {
			t.Errorf("rows deleted from %s", table)
		}
	}
	if _, err := d.Pool.Exec(ctx, `UPDATE ledger_entries_`+firstMonth(months)+` SET amount = amount * 2`); err == nil {
		t.Error("entries updated")
	}
}

func firstMonth(months map[string]int) string {
	first := ""
	for m := range months {
		if first == "" || m < first {
			first = m
		}
	}
	return first
}

// TestPrepareLedgerMonths: the maintenance step creates the current month's partitions and
// the next three's once, and a transaction of such a month lands in them.
func TestPrepareLedgerMonths(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2031, 5, 31, 23, 0, 0, 0, time.UTC)
	e := New(t, Options{Clock: NewClock(now)})
	// The service's clock (a sandbox clock, here in 2031) does not decide the months: ledger ids
	// carry the wall clock's time.
	if _, err := e.Svc.PrepareLedgerMonths(ctx); err != nil {
		t.Fatal(err)
	}
	if e.Count(`SELECT count(*) FROM pg_class WHERE relname LIKE 'ledger_%_2031_%'`) != 0 {
		t.Fatal("months of the service's clock were created")
	}
	n, err := e.Svc.PrepareLedgerMonthsAt(ctx, now)
	if err != nil || n != 4 {
		t.Fatalf("created %d months (%v), want 4", n, err)
	}
	for _, m := range []string{"2031_05", "2031_06", "2031_07", "2031_08"} {
		if e.Count(`SELECT count(*) FROM pg_inherits WHERE inhrelid IN (to_regclass('ledger_entries_`+m+`'), to_regclass('ledger_transactions_`+m+`'))`) != 2 {
			t.Errorf("month %s has not both partitions", m)
		}
	}
	if e.Count(`SELECT count(*) FROM pg_class WHERE relname IN ('ledger_entries_2031_09', 'ledger_transactions_2031_04')`) != 0 {
		t.Error("a month outside the window was created")
	}
	if n, err := e.Svc.PrepareLedgerMonthsAt(ctx, now); err != nil || n != 0 {
		t.Fatalf("second run created %d months (%v), want 0", n, err)
	}
	id := uuid7At(time.Date(2031, 8, 31, 23, 59, 59, 0, time.UTC))
	if _, err := e.Pool.Exec(ctx, `WITH t AS (INSERT INTO ledger_transactions (id, kind, reference, created_at)
			VALUES ($1, 'FEE_TRANSFER', 'august', now()) RETURNING id)
		INSERT INTO ledger_entries (transaction_id, book, currency, amount, created_at)
		SELECT t.id, b, 'CNH', x, now() FROM t, (VALUES ('FEE_REVENUE', -1), ('ESCROW', 1)) v(b, x)`, id); err != nil {
		t.Fatal(err)
	}
	if e.Count(`SELECT count(*) FROM ledger_entries_2031_08 WHERE transaction_id = $1`, id) != 2 ||
		e.Count(`SELECT count(*) FROM ledger_transactions_2031_08 WHERE id = $1`, id) != 1 {
		t.Error("the month's transaction is not in its partitions")
	}
}

// TestGrowFillsTheLedgerMonths: a grown year of history is in its months' partitions, none in
// DEFAULT, with one reference row per transaction.
func TestGrowFillsTheLedgerMonths(t *testing.T) {
	t.Parallel()
	e, _ := grown(t, 2000)
	if n := e.Count(`SELECT count(DISTINCT tableoid) FROM ledger_entries`); n < 12 {
		t.Errorf("grown entries in %d partitions, want a year's months", n)
	}
	if n := e.Count(`SELECT (SELECT count(*) FROM ledger_entries_default) + (SELECT count(*) FROM ledger_transactions_default)`); n != 0 {
		t.Errorf("%d grown rows in DEFAULT", n)
	}
	if n := e.Count(`SELECT count(*) FROM ledger_transactions t FULL JOIN ledger_references r ON r.transaction_id = t.id
		WHERE t.id IS NULL OR r.transaction_id IS NULL`); n != 0 {
		t.Errorf("%d grown transactions and references do not match", n)
	}
}

// TestAuditFindsATransactionItsReferenceDoesNotName: a second ledger transaction for a
// payment, written with the triggers off (so without its reference row), is reported by the
// incremental and the full audit.
func TestAuditFindsATransactionItsReferenceDoesNotName(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "5000.00", "CNH")
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00"), "k1")
	e.Audit()
	id := db.NewID()
	tx, err := e.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `WITH t AS (INSERT INTO ledger_transactions (id, kind, reference, created_at)
			SELECT $1, kind, reference, now() FROM ledger_transactions WHERE kind = 'PAYMENT' RETURNING id)
		INSERT INTO ledger_entries (transaction_id, book, currency, amount, created_at)
		SELECT t.id, b, 'CNH', x, now() FROM t, (VALUES ('FEE_REVENUE', -1), ('ESCROW', 1)) v(b, x)`, id); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for name, audit := range map[string]func(context.Context) ([]domain.Violation, error){
		"incremental": e.Svc.AuditIncremental, "full": e.Svc.Audit} {
		vs, err := audit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, v := range vs {
			found = found || v.Check == "transaction is its reference's" && strings.Contains(v.Detail, id)
		}
		if !found {
			t.Errorf("%s audit: %v, want the transaction %s its reference does not name", name, checks(vs), id)
		}
	}
}

// TestAuditFindsAReferenceNamingAnotherTransaction: a reference row written by hand, naming a
// transaction of another kind, is reported by the incremental and the full audit.
func TestAuditFindsAReferenceNamingAnotherTransaction(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "5000.00", "CNH")
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00"), "k1")
	e.Audit()
	if _, err := e.Pool.Exec(ctx, `INSERT INTO ledger_references (kind, reference, transaction_id)
		SELECT 'ESCROW_RELEASE', reference, id FROM ledger_transactions WHERE kind = 'PAYMENT'`); err != nil {
		t.Fatal(err)
	}
	for name, audit := range map[string]func(context.Context) ([]domain.Violation, error){
		"incremental": e.Svc.AuditIncremental, "full": e.Svc.Audit} {
		vs, err := audit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, v := range vs {
			found = found || v.Check == "reference names its transaction" && strings.HasPrefix(v.Detail, "reference ESCROW_RELEASE ")
		}
		if !found {
			t.Errorf("%s audit: %v, want the reference that names another transaction", name, checks(vs))
		}
	}
}
