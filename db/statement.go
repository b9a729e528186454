package db

import (
	"context"
	"strconv"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

// balanceAt is the SQL of an account's balance in a currency ($1, $2) over the entries posted
// up to the position (at, id) in posting order (created_at, then id) — without reading the
// entries before it. The entries of a balance get their ids in the order their balances after
// were computed, and their posting times grow with their ids except for the backdated entries
// (ledger_backdated_entries: posted at a time before an earlier entry's). So the first entry
// past the position that is not backdated (next) has every entry before it by id at or before
// the position: its balance after less its amount is their sum. Past the position by id,
// only backdated entries can still be at or before it: they are added. With no such next
// entry, every entry is at or before the position: the balance as it stands.
//
// next is looked for first among the entries posted before `until` (the period's end), and
// past it only when there is none: any entry before until comes before every entry at or after it,
// so the first found is the first overall, and the account's entries after the period, which
// grow with every month that follows it, are read only when the period has none past the
// position. (UNION ALL runs its second query only if the first returns no row.)
func balanceAt(at, id, until string) string {
	probe := func(bound string) string {
		return `(SELECT e.id, e.balance_after - e.amount AS before FROM ledger_entries e
			WHERE e.account_id = $1 AND e.currency = $2 AND (e.created_at, e.id) > (` + at + `, ` + id + `)` + bound + `
				AND NOT EXISTS (SELECT FROM ledger_backdated_entries b WHERE b.entry_id = e.id)
			ORDER BY e.created_at, e.id LIMIT 1)`
	}
	return `(WITH next AS (` + probe(` AND e.created_at < `+until) + ` UNION ALL ` + probe("") + ` LIMIT 1)
		SELECT coalesce((SELECT before FROM next), (SELECT available FROM balances WHERE account_id = $1 AND currency = $2), 0)
			+ coalesce((SELECT sum(b.amount) FROM ledger_backdated_entries b
				WHERE b.account_id = $1 AND b.currency = $2 AND (b.created_at, b.entry_id) <= (` + at + `, ` + id + `)
					AND b.entry_id > (SELECT id FROM next)), 0))`
}

// StatementSummary reads the opening balance at From (balanceAt) and sums the period's entries
// alone: its cost follows the period, not the account's history.
func (q queries) StatementSummary(ctx context.Context, p domain.StatementPeriod) (domain.Statement, error) {
	s := domain.Statement{StatementPeriod: p}
	var opening, in, out decimal.Decimal
	err := q.q.QueryRow(ctx, `SELECT `+balanceAt("$3::timestamptz", "0", "$4::timestamptz")+`,
			coalesce(sum(amount) FILTER (WHERE amount > 0), 0), coalesce(-sum(amount) FILTER (WHERE amount < 0), 0),
			count(*), coalesce(max(id), 0)
		FROM ledger_entries
		WHERE account_id = $1 AND currency = $2 AND created_at >= $3 AND created_at < $4`,
		p.AccountID, p.Currency, p.From, p.To).Scan(&opening, &in, &out, &s.Movements, &s.LastEntryID)
	if err != nil {
		return domain.Statement{}, translate(err)
	}
	money := func(d decimal.Decimal) domain.Money { return domain.Money{Amount: d, Currency: p.Currency} }
	s.Opening, s.TotalIn, s.TotalOut = money(opening), money(in), money(out)
	s.Closing = money(opening.Add(in).Sub(out))
	return s, nil
}

// movementsSelect reads the period's lines in posting order after the cursor ($5, $6), each
// with its balance after: the balance at the cursor (balanceAt) plus the running sum. $7
// limits. A line's payment is joined on one equality (the payment itself, or the refunded
// one), so the join is a lookup by the payments' key.
var movementsSelect = `WITH before AS (SELECT ` + balanceAt("$5::timestamptz", "$6::bigint", "$4::timestamptz") + ` AS total)
	SELECT e.id, e.created_at, e.amount, before.total + sum(e.amount) OVER (ORDER BY e.created_at, e.id),
		t.kind, t.reference,
		coalesce(tu.reference, ''),
		coalesce(c.sell_currency, ''), coalesce(c.sell_amount, 0), coalesce(c.buy_currency, ''), coalesce(c.buy_amount, 0), coalesce(c.rate, 0),
		coalesce(o.external_id, ''), coalesce(s.name, ''), coalesce(p.amount, 0),
		coalesce(p.standard_fee, 0) + coalesce(p.service_fee, 0), coalesce(r.amount, 0)
	FROM (SELECT id, transaction_id, amount, created_at FROM ledger_entries
		WHERE account_id = $1 AND currency = $2 AND created_at >= $3 AND created_at < $4 AND (created_at, id) > ($5, $6)
		ORDER BY created_at, id LIMIT $7) e
	CROSS JOIN before
	JOIN ledger_transactions t ON t.id = e.transaction_id
	LEFT JOIN top_ups tu ON t.kind = 'TOP_UP' AND tu.id = t.reference::uuid
	LEFT JOIN conversions c ON t.kind = 'CONVERSION' AND c.id = t.reference::uuid
	LEFT JOIN refunds r ON t.kind = 'REFUND' AND r.id = t.reference::uuid
	LEFT JOIN payments p ON p.id = CASE t.kind WHEN 'PAYMENT' THEN t.reference::uuid WHEN 'REFUND' THEN r.payment_id END
	LEFT JOIN orders o ON o.id = p.order_id
	LEFT JOIN suppliers s ON s.id = p.supplier_row_id
	ORDER BY e.created_at, e.id`

func (q queries) StatementMovements(ctx context.Context, p domain.StatementPeriod, page domain.Page) ([]domain.Movement, error) {
	at, id := p.From, int64(0)
	if page.After != "" {
		var ok bool
		if at, id, ok = domain.ParseMovementCursor(page.After); !ok {
			return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
		}
	}
	var out []domain.Movement
	err := q.eachMovement(ctx, p, at, id, page.First+1, func(m domain.Movement) error {
		out = append(out, m)
		return nil
	})
	return out, err
}

func (q queries) EachMovement(ctx context.Context, p domain.StatementPeriod, fn func(domain.Movement) error) error {
	return q.eachMovement(ctx, p, p.From, 0, nil, fn)
}

// eachMovement streams the rows to fn as they arrive: memory stays flat however long the period.
func (q queries) eachMovement(ctx context.Context, p domain.StatementPeriod, afterAt time.Time, afterID int64, limit any, fn func(domain.Movement) error) error {
	rows, err := q.q.Query(ctx, movementsSelect, p.AccountID, p.Currency, p.From, p.To, afterAt, afterID, limit)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	var (
		m                    domain.Movement
		id                   int64
		sellC, buyC          string
		sell, buy, rate      decimal.Decimal
		ordered, fees, refnd decimal.Decimal
	)
	for rows.Next() {
		m = domain.Movement{}
		if err := rows.Scan(&id, &m.CreatedAt, &m.Amount.Amount, &m.BalanceAfter.Amount, &m.Kind, &m.Reference,
			&m.Facts.TopUpReference, &sellC, &sell, &buyC, &buy, &rate,
			&m.Facts.OrderExternalID, &m.Facts.SupplierName, &ordered, &fees, &refnd); err != nil {
			return err
		}
		m.ID, m.AccountID = strconv.FormatInt(id, 10), p.AccountID
		m.Amount.Currency, m.BalanceAfter.Currency = p.Currency, p.Currency
		m.Facts.Sold = domain.Money{Amount: sell, Currency: domain.Currency(sellC)}
		m.Facts.Bought = domain.Money{Amount: buy, Currency: domain.Currency(buyC)}
		m.Facts.Rate = rate
		m.Facts.OrderAmount = domain.Money{Amount: ordered, Currency: domain.CNY}
		m.Facts.Fees = domain.Money{Amount: fees, Currency: p.Currency}
		m.Facts.RefundAmount = domain.Money{Amount: refnd, Currency: domain.CNY}
		if err := fn(m); err != nil {
			return err
		}
	}
	return translate(rows.Err())
}
