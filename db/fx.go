package db

import (
	"context"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

func (q queries) Rates(ctx context.Context) ([]domain.Rate, error) {
	rows, err := q.q.Query(ctx, `SELECT from_currency, to_currency, mid, source, updated_at FROM fx_rates ORDER BY from_currency, to_currency`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Rate, error) {
		var x domain.Rate
		err := r.Scan(&x.From, &x.To, &x.Mid, &x.Source, &x.UpdatedAt)
		return x, err
	})
}

func (t *txStore) UpsertRate(ctx context.Context, r domain.Rate) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO fx_rates (from_currency, to_currency, mid, source, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (from_currency, to_currency) DO UPDATE SET mid = EXCLUDED.mid, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
		WHERE fx_rates.updated_at <= EXCLUDED.updated_at`, r.From, r.To, r.Mid, r.Source, r.UpdatedAt)
	return translate(err)
}

const quoteColumns = `id, account_id, sell_currency, sell_amount, buy_currency, buy_amount, rate, mid_rate, spread_bps, expires_at, executed, created_at`

func scanQuote(row pgx.Row) (domain.Quote, error) {
	var x domain.Quote
	err := row.Scan(&x.ID, &x.AccountID, &x.Sell.Currency, &x.Sell.Amount, &x.Buy.Currency, &x.Buy.Amount, &x.Rate, &x.MidRate,
		&x.SpreadBps, &x.ExpiresAt, &x.Executed, &x.CreatedAt)
	return x, translate(err)
}

// accountScope filters a table with an account_id column by an actor's scope (partners see none).
const accountScope = `($2 OR account_id = $3)`

func (q queries) Quote(ctx context.Context, id string, scope domain.Scope) (domain.Quote, error) {
	if !validUUID(id) {
		return domain.Quote{}, domain.NotFound("quote", nil)
	}
	return scanQuote(q.q.QueryRow(ctx, `SELECT `+quoteColumns+` FROM quotes WHERE id = $1 AND `+accountScope, id, scope.All, nullable(scope.AccountID)))
}

func (t *txStore) LockQuote(ctx context.Context, id string, scope domain.Scope) (domain.Quote, error) {
	if !validUUID(id) {
		return domain.Quote{}, domain.NotFound("quote", nil)
	}
	return scanQuote(t.tx.QueryRow(ctx, `SELECT `+quoteColumns+` FROM quotes WHERE id = $1 AND `+accountScope+` FOR UPDATE`, id, scope.All, nullable(scope.AccountID)))
}

func (t *txStore) InsertQuote(ctx context.Context, x *domain.Quote) error {
	x.ID = newID()
	_, err := t.tx.Exec(ctx, `INSERT INTO quotes (`+quoteColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, false, $11)`,
		x.ID, x.AccountID, x.Sell.Currency, x.Sell.Amount, x.Buy.Currency, x.Buy.Amount, x.Rate, x.MidRate, x.SpreadBps, x.ExpiresAt, x.CreatedAt)
	return translate(err)
}

func (t *txStore) MarkQuoteExecuted(ctx context.Context, id string) error {
	t.tx.deferExec(`UPDATE quotes SET executed = true WHERE id = $1`, id)
	return nil
}

const conversionColumns = `id, quote_id, account_id, sell_currency, sell_amount, buy_currency, buy_amount, rate, status, created_at, settled_at`

func scanConversion(row pgx.Row) (domain.Conversion, error) {
	var c domain.Conversion
	var quote *string
	err := row.Scan(&c.ID, &quote, &c.AccountID, &c.Sold.Currency, &c.Sold.Amount, &c.Bought.Currency, &c.Bought.Amount, &c.Rate,
		&c.Status, &c.CreatedAt, &c.SettledAt)
	if quote != nil {
		c.QuoteID = *quote
	}
	return c, translate(err)
}

func (q queries) Conversion(ctx context.Context, id string, scope domain.Scope) (domain.Conversion, error) {
	if !validUUID(id) {
		return domain.Conversion{}, domain.NotFound("conversion", nil)
	}
	return scanConversion(q.q.QueryRow(ctx, `SELECT `+conversionColumns+` FROM conversions WHERE id = $1 AND `+accountScope, id, scope.All, nullable(scope.AccountID)))
}

func (q queries) Conversions(ctx context.Context, accountID string, page domain.Page) ([]domain.Conversion, error) {
	if page.After != "" && !validUUID(page.After) {
		return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
	}
	rows, err := q.q.Query(ctx, `SELECT `+conversionColumns+` FROM conversions WHERE account_id = $1 AND ($2::uuid IS NULL OR id < $2)
		ORDER BY id DESC LIMIT $3`, accountID, nullable(page.After), page.First+1)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Conversion, error) { return scanConversion(r) })
}

func (t *txStore) InsertConversion(ctx context.Context, c *domain.Conversion) error {
	c.ID = newID()
	t.tx.deferExec(`INSERT INTO conversions (`+conversionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)`,
		c.ID, nullable(c.QuoteID), c.AccountID, c.Sold.Currency, c.Sold.Amount, c.Bought.Currency, c.Bought.Amount, c.Rate, c.Status, c.CreatedAt)
	return nil
}

// ClaimIdempotencyKey keeps (principal, key) unique over every partition of idempotency_keys
// (a unique index holds within one partition only): a transaction-level advisory lock on the
// key makes concurrent claims of it take turns, and each looks in every partition (with a
// snapshot taken after the lock, so a claim committed meanwhile is seen) before it inserts.
// The lock and the claim travel in one round trip.
func (t *txStore) ClaimIdempotencyKey(ctx context.Context, principal, key, operation, hash string) (domain.IdempotencyRecord, bool, error) {
	t.tx.deferExec(`SELECT pg_advisory_xact_lock($1)`, idempotencyLock(principal, key))
	var claimed bool
	var r domain.IdempotencyRecord
	var result *string
	err := t.tx.QueryRow(ctx, `WITH prior AS (
			SELECT operation, request_hash, result_id FROM idempotency_keys WHERE principal = $1 AND key = $2 LIMIT 1
		), claim AS (
			INSERT INTO idempotency_keys (principal, key, operation, request_hash)
			SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM prior)
		)
		SELECT false, operation, request_hash, result_id FROM prior
		UNION ALL SELECT true, '', '', NULL WHERE NOT EXISTS (SELECT 1 FROM prior)`,
		principal, key, operation, hash).Scan(&claimed, &r.Operation, &r.RequestHash, &result)
	if err != nil || claimed {
		return domain.IdempotencyRecord{}, claimed, translate(err)
	}
	if result != nil {
		r.ResultID = *result
	}
	return r, false, nil
}

// idempotencyLock is the advisory lock key of an idempotency key: a 64-bit hash of both parts
// (a collision only makes two claims take turns).
func idempotencyLock(principal, key string) int64 {
	h := fnv.New64a()
	h.Write([]byte(principal))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return int64(h.Sum64())
}

func (t *txStore) SetIdempotencyResult(ctx context.Context, principal, key, resultID string) error {
	t.tx.deferExec(`UPDATE idempotency_keys SET result_id = $3 WHERE principal = $1 AND key = $2`, principal, key, resultID)
	return nil
}

const settlementColumns = `id, base, quote, base_net, conversions, window_end, status, coalesce(mid, 0), coalesce(quote_amount, 0),
	coalesce(provider_ref, ''), created_at, settled_at`

func scanSettlement(row pgx.Row) (domain.Settlement, error) {
	var s domain.Settlement
	err := row.Scan(&s.ID, &s.Base, &s.Quote, &s.BaseNet, &s.Conversions, &s.WindowEnd, &s.Status, &s.Mid, &s.QuoteAmount,
		&s.ProviderRef, &s.CreatedAt, &s.SettledAt)
	return s, translate(err)
}

// LockBookedConversions sums the batch per direction; an advisory lock keeps two settlement
// runs from batching at once.
func (t *txStore) LockBookedConversions(ctx context.Context, windowEnd time.Time) ([]domain.ConversionFlow, error) {
	if _, err := t.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7381688003)`); err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(ctx, `WITH batch AS (
			SELECT id, sell_currency, sell_amount, buy_currency, buy_amount
			FROM conversions WHERE settlement_id IS NULL AND status = 'BOOKED' AND created_at < $1
			FOR UPDATE)
		SELECT sell_currency, buy_currency, sum(sell_amount), sum(buy_amount), array_agg(id)
		FROM batch GROUP BY sell_currency, buy_currency`, windowEnd)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.ConversionFlow, error) {
		var f domain.ConversionFlow
		err := r.Scan(&f.Sold, &f.Bought, &f.SoldAmount, &f.BoughtAmount, &f.ConversionIDs)
		return f, err
	})
}

// InsertSettlements writes the settlements and their conversions' assignment in one statement.
func (t *txStore) InsertSettlements(ctx context.Context, batches []domain.SettlementBatch) error {
	if len(batches) == 0 {
		return nil
	}
	n := len(batches)
	ids, bases, quotes, nets, counts := make([]string, n), make([]string, n), make([]string, n), make([]decimal.Decimal, n), make([]int, n)
	var convs, owners []string
	for i := range batches {
		batches[i].ID = newID()
		b := batches[i]
		ids[i], bases[i], quotes[i], nets[i], counts[i] = b.ID, string(b.Base), string(b.Quote), b.BaseNet, b.Conversions
		for _, c := range b.ConversionIDs {
			convs, owners = append(convs, c), append(owners, b.ID)
		}
	}
	_, err := t.tx.Exec(ctx, `WITH made AS (
			INSERT INTO fx_settlements (id, base, quote, base_net, conversions, window_end, status, created_at)
			SELECT id, base, quote, base_net, n, $6, 'PENDING', $7
			FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::int[]) AS s(id, base, quote, base_net, n)
			RETURNING id)
		UPDATE conversions c SET settlement_id = a.settlement_id
		FROM unnest($8::uuid[], $9::uuid[]) AS a(id, settlement_id)
		WHERE c.id = a.id AND EXISTS (SELECT 1 FROM made)`,
		ids, bases, quotes, nets, counts, batches[0].WindowEnd, batches[0].CreatedAt, convs, owners)
	return translate(err)
}

func (t *txStore) PendingSettlements(ctx context.Context) ([]domain.Settlement, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+settlementColumns+` FROM fx_settlements WHERE status = 'PENDING' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Settlement, error) { return scanSettlement(r) })
}

func (t *txStore) LockSettlement(ctx context.Context, id string) (domain.Settlement, error) {
	return scanSettlement(t.tx.QueryRow(ctx, `SELECT `+settlementColumns+` FROM fx_settlements WHERE id = $1 FOR UPDATE`, id))
}

func (t *txStore) CompleteSettlement(ctx context.Context, s domain.Settlement) ([]domain.Conversion, error) {
	_, err := t.tx.Exec(ctx, `UPDATE fx_settlements SET status = 'SETTLED', mid = $2, quote_amount = $3, provider_ref = $4, settled_at = $5
		WHERE id = $1`, s.ID, s.Mid, s.QuoteAmount, s.ProviderRef, s.SettledAt)
	if err != nil {
		return nil, translate(err)
	}
	rows, err := t.tx.Query(ctx, `UPDATE conversions SET status = 'SETTLED', settled_at = $2 WHERE settlement_id = $1
		RETURNING `+conversionColumns, s.ID, s.SettledAt)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Conversion, error) { return scanConversion(r) })
}
