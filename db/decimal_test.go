package db_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/internal/testdb"
	"github.com/shopspring/decimal"
)

// TestNumericReadsExactlyWithoutText: numeric values, arrays of them and NULLs read into
// decimal.Decimal exactly, and the read is planned on the binary digits, not through the value's
// text (the sql.Scanner path pgx would otherwise take for decimal.Decimal).
func TestNumericReadsExactlyWithoutText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t).Pool
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	m := conn.Conn().TypeMap()
	// Read through pgx-shopspring-decimal's wrapper (from pgtype.Numeric's digits); any other
	// plan, such as pgx's sql.Scanner ones, goes through the value's text.
	for target, want := range map[any]string{
		new(decimal.Decimal):     "github.com/jackc/pgx-shopspring-decimal.wrapDecimalScanPlan",
		new(decimal.NullDecimal): "github.com/jackc/pgx-shopspring-decimal.wrapNullDecimalScanPlan",
	} {
		plan := reflect.TypeOf(m.PlanScan(pgtype.NumericOID, pgtype.BinaryFormatCode, target))
		if plan.Kind() == reflect.Pointer {
			plan = plan.Elem()
		}
		if got := plan.PkgPath() + "." + plan.Name(); got != want {
			t.Errorf("%T is read by %s, not %s", target, got, want)
		}
	}

	values := []string{"0", "1006.00", "-356.21", "0.0000000000000001", "123456789012345678901234567890.123456789", "7.0787", "1e-20"}
	for _, v := range values {
		var got decimal.Decimal
		var null decimal.NullDecimal
		if err := conn.QueryRow(ctx, `SELECT $1::text::numeric, $1::text::numeric`, v).Scan(&got, &null); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		want := decimal.RequireFromString(v)
		if !got.Equal(want) || !null.Valid || !null.Decimal.Equal(want) {
			t.Errorf("%s read as %s and %v", v, got, null)
		}
		if got.String() != want.String() {
			t.Errorf("%s read as %s (scale lost)", v, got)
		}
	}
	var arr []decimal.Decimal
	if err := conn.QueryRow(ctx, `SELECT ARRAY[1.50, 2.25, 0]::numeric[]`).Scan(&arr); err != nil {
		t.Fatal(err)
	}
	if len(arr) != 3 || !arr[0].Equal(decimal.RequireFromString("1.5")) || !arr[1].Equal(decimal.RequireFromString("2.25")) {
		t.Errorf("array read as %v", arr)
	}
	var null decimal.NullDecimal
	if err := conn.QueryRow(ctx, `SELECT NULL::numeric`).Scan(&null); err != nil || null.Valid {
		t.Errorf("NULL read as %v, %v", null, err)
	}
	var d decimal.Decimal
	if err := conn.QueryRow(ctx, `SELECT NULL::numeric`).Scan(&d); err == nil {
		t.Error("NULL read into a decimal.Decimal without an error")
	}
	if err := conn.QueryRow(ctx, `SELECT 'NaN'::numeric`).Scan(&d); err == nil {
		t.Error("NaN read into a decimal.Decimal without an error")
	}
}

// TestPoolRaisesParallelSetupCost: KJB's connections start parallel plans only for large
// scans, unless the URL says otherwise.
func TestPoolRaisesParallelSetupCost(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	ctx := context.Background()
	for url, want := range map[string]string{tdb.URL: "10000", tdb.URL + "&parallel_setup_cost=250": "250"} {
		pool, err := db.Open(ctx, db.PoolConfig{URL: url, MaxConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		err = pool.QueryRow(ctx, `SHOW parallel_setup_cost`).Scan(&got)
		pool.Close()
		if err != nil || got != want {
			t.Errorf("%s: parallel_setup_cost %q, %v; want %s", url, got, err, want)
		}
	}
}
