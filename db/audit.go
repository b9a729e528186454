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
	{"payment booked once", `
		SELECT format('payment %s has %s ledger transactions', p.id, count(t.id))
		FROM payments p LEFT JOIN ledger_transactions t ON t.kind = 'PAYMENT' AND t.reference = p.id::text
		GROUP BY p.id HAVING count(t.id) <> 1`},
	{"escrow released at most once, and only with a payout", `
		SELECT format('payment %s: escrow %s, %s release transactions, %s payouts', p.id, p.escrow_status,
			(SELECT count(*) FROM ledger_transactions t WHERE t.kind = 'ESCROW_RELEASE' AND t.reference = p.id::text),
			(SELECT count(*) FROM payouts o WHERE o.payment_id = p.id))
		FROM payments p
		WHERE (p.escrow_status = 'RELEASED') <> ((SELECT count(*) FROM ledger_transactions t WHERE t.kind = 'ESCROW_RELEASE' AND t.reference = p.id::text) = 1)
		   OR (p.escrow_status = 'RELEASED') <> EXISTS (SELECT 1 FROM payouts o WHERE o.payment_id = p.id)`},
	{"paid payout transferred and booked once", `
		SELECT format('payout %s (%s): %s rail transfers paid, %s ledger transactions', o.id, o.status,
			(SELECT count(*) FROM sandbox_rail_transfers r WHERE r.payout_id = o.id AND r.status = 'PAID'),
			(SELECT count(*) FROM ledger_transactions t WHERE t.kind = 'PAYOUT' AND t.reference = o.id::text))
		FROM payouts o
		WHERE (o.status = 'PAID') <> ((SELECT count(*) FROM ledger_transactions t WHERE t.kind = 'PAYOUT' AND t.reference = o.id::text) = 1)
		   OR (o.status <> 'PAID' AND EXISTS (SELECT 1 FROM sandbox_rail_transfers r WHERE r.payout_id = o.id AND r.status = 'PAID'))`},
	{"refunds within the payment", `
		SELECT format('payment %s: refunded %s of %s, refunds sum to %s', p.id, p.refunded_amount, p.amount, coalesce(sum(r.amount), 0))
		FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id
		GROUP BY p.id HAVING p.refunded_amount <> coalesce(sum(r.amount), 0) OR coalesce(sum(r.amount), 0) > p.amount`},
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
