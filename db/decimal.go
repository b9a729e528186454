package db

import (
	pgxdecimal "github.com/jackc/pgx-shopspring-decimal"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// registerDecimal makes numeric columns and parameters travel as decimal.Decimal, in binary.
//
// pgx-shopspring-decimal alone is not enough for reading: decimal.Decimal is a sql.Scanner, and
// pgx plans a sql.Scanner before it tries the library's wrapper, so every value read went
// through its text form (pgx formats the binary numeric as text, decimal parses it back). The
// month close reads tens of thousands of amounts; that round trip was a third of its time.
func registerDecimal(m *pgtype.Map) {
	pgxdecimal.Register(m)
	numeric := &pgtype.Type{Name: "numeric", OID: pgtype.NumericOID, Codec: decimalCodec{}}
	m.RegisterType(numeric)
	m.RegisterType(&pgtype.Type{Name: "_numeric", OID: pgtype.NumericArrayOID, Codec: &pgtype.ArrayCodec{ElementType: numeric}})
}

// decimalCodec is pgx-shopspring-decimal's codec, planning *decimal.Decimal and
// *decimal.NullDecimal through the library's wrapper (pgtype.Numeric's exact digits) first.
type decimalCodec struct{ pgxdecimal.NumericCodec }

func (c decimalCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	switch target.(type) {
	case *decimal.Decimal, *decimal.NullDecimal:
		if wrap, next, ok := pgxdecimal.TryWrapNumericScanPlan(target); ok {
			if inner := c.NumericCodec.PlanScan(m, oid, format, next); inner != nil {
				wrap.SetNext(inner)
				return wrap
			}
		}
	}
	return c.NumericCodec.PlanScan(m, oid, format, target)
}
