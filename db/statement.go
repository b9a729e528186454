package db

import (
	"context"
	"strconv"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

func (q queries) StatementSummary(ctx context.Context, p domain.StatementPeriod) (domain.Statement, error) {
	s := domain.Statement{StatementPeriod: p}
	var opening, in, out decimal.Decimal
	err := q.q.QueryRow(ctx, `SELECT coalesce(sum(amount) FILTER (WHERE created_at < $3), 0),
			coalesce(sum(amount) FILTER (WHERE created_at >= $3 AND amount > 0), 0),
			coalesce(-sum(amount) FILTER (WHERE created_at >= $3 AND amount < 0), 0),
			count(*) FILTER (WHERE created_at >= $3), coalesce(max(id) FILTER (WHERE created_at >= $3), 0)
		FROM ledger_entries
		WHERE account_id = $1 AND currency = $2 AND created_at < $4`,
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
// with its balance after: everything posted before the cursor plus the running sum. $7 limits.
const movementsSelect = `WITH before AS (
		SELECT coalesce(sum(amount), 0) AS total FROM ledger_entries
		WHERE account_id = $1 AND currency = $2 AND created_at < $4 AND (created_at, id) <= ($5, $6))
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
	LEFT JOIN payments p ON (t.kind = 'PAYMENT' AND p.id = t.reference::uuid) OR (t.kind = 'REFUND' AND p.id = r.payment_id)
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
