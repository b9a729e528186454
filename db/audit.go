package db

import (
	"context"
	"fmt"
	"strconv"

	"github.com/kjb/kjb/domain"
)

// auditChecks are the ledger invariants; each query returns one text row per violation.
var auditChecks = []struct{ name, sql string }{
	{"transaction balanced per currency", `
		SELECT format('transaction %s is off by %s %s', transaction_id, sum(amount), currency)
		FROM ledger_entries GROUP BY transaction_id, currency HAVING sum(amount) <> 0`},
	{"transaction has two or more entries", `
		SELECT format('transaction %s (%s %s) has %s entries', t.id, t.kind, t.reference, count(e.id))
		FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
		GROUP BY t.id HAVING count(e.id) < 2`},
	{"customer balance equals its entries", `
		SELECT format('account %s %s: balance %s, entries sum to %s',
			coalesce(b.account_id, e.account_id), coalesce(b.currency, e.currency), coalesce(b.available, 0), coalesce(e.total, 0))
		FROM balances b
		FULL JOIN (SELECT account_id, currency, sum(amount) AS total FROM ledger_entries
			WHERE book = 'CUSTOMER' GROUP BY account_id, currency) e
			ON e.account_id = b.account_id AND e.currency = b.currency
		WHERE coalesce(b.available, 0) <> coalesce(e.total, 0)`},
	{"no negative balance", `
		SELECT format('account %s %s is negative: %s', account_id, currency, available) FROM balances WHERE available < 0`},
	{"top-up booked once", `
		SELECT format('top-up %s has %s ledger transactions', u.id, count(t.id))
		FROM top_ups u LEFT JOIN ledger_transactions t ON t.kind = 'TOP_UP' AND t.reference = u.id::text
		GROUP BY u.id HAVING count(t.id) <> 1`},
	{"conversion booked once", `
		SELECT format('conversion %s has %s ledger transactions', c.id, count(t.id))
		FROM conversions c LEFT JOIN ledger_transactions t ON t.kind = 'CONVERSION' AND t.reference = c.id::text
		GROUP BY c.id HAVING count(t.id) <> 1`},
	{"quote executed at most once", `
		SELECT format('quote %s has %s conversions', quote_id, count(*)) FROM conversions
		WHERE quote_id IS NOT NULL GROUP BY quote_id HAVING count(*) > 1`},
	{"settlement traded and booked once", `
		SELECT format('settlement %s: %s trades, %s ledger transactions', s.id,
			(SELECT count(*) FROM sandbox_lp_trades l WHERE l.settlement_id = s.id),
			(SELECT count(*) FROM ledger_transactions t WHERE t.kind = 'FX_SETTLEMENT' AND t.reference = s.id::text))
		FROM fx_settlements s WHERE s.status = 'SETTLED' AND s.base_net <> 0 AND
			(SELECT count(*) FROM ledger_transactions t WHERE t.kind = 'FX_SETTLEMENT' AND t.reference = s.id::text) <> 1`},
}

// Audit runs every ledger check and returns the violations found (none when healthy).
func (q queries) Audit(ctx context.Context) ([]domain.Violation, error) {
	var out []domain.Violation
	for _, c := range auditChecks {
		rows, err := q.q.Query(ctx, c.sql)
		if err != nil {
			return nil, fmt.Errorf("audit %q: %w", c.name, err)
		}
		for rows.Next() {
			var detail string
			if err := rows.Scan(&detail); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, domain.Violation{Check: c.name, Detail: detail})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func parseInt64(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil && v > 0
}
