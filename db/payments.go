package db

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

const paymentColumns = `id, order_id, partner_id, account_id, supplier_row_id, method, status, amount,
	standard_rate, standard_fee, service_rate, service_fee, debited_amount, debited_currency, fx_rate, conversion_id,
	escrow_status, refunded_amount, refunded_fees, credited_back, created_at, released_at`

// paymentScope filters payments (or payouts) by an actor's scope.
const paymentScope = `($2 OR partner_id = $3 OR account_id = $4)`

func scanPayment(row pgx.Row) (domain.Payment, error) {
	var p domain.Payment
	var stdRate, stdFee, svcRate, svcFee *decimal.Decimal
	var conv *string
	err := row.Scan(&p.ID, &p.OrderID, &p.PartnerID, &p.AccountID, &p.SupplierID, &p.Method, &p.Status, &p.Amount.Amount,
		&stdRate, &stdFee, &svcRate, &svcFee, &p.Debited.Amount, &p.Debited.Currency, &p.FXRate, &conv,
		&p.EscrowStatus, &p.RefundedAmount, &p.RefundedFees, &p.CreditedBack, &p.CreatedAt, &p.ReleasedAt)
	if err != nil {
		return domain.Payment{}, translate(err)
	}
	p.Amount.Currency = domain.CNY
	if stdRate != nil {
		p.Fees = []domain.FeeLine{
			{Kind: domain.FeeStandard, Rate: *stdRate, Amount: domain.Money{Amount: *stdFee, Currency: domain.CNH}},
			{Kind: domain.FeeService, Rate: *svcRate, Amount: domain.Money{Amount: *svcFee, Currency: domain.CNH}},
		}
	}
	if conv != nil {
		p.ConversionID = *conv
	}
	return p, nil
}

func (q queries) Payment(ctx context.Context, id string, scope domain.Scope) (domain.Payment, error) {
	if !validUUID(id) {
		return domain.Payment{}, domain.NotFound("payment", nil)
	}
	all, partner, account := scopeArgs(scope)
	return scanPayment(q.q.QueryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE id = $1 AND `+paymentScope, id, all, partner, account))
}

func (q queries) PaymentByOrder(ctx context.Context, orderID string) (domain.Payment, error) {
	return scanPayment(q.q.QueryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE order_id = $1`, orderID))
}

func (q queries) Payments(ctx context.Context, scope domain.Scope, f domain.PaymentFilter, page domain.Page) ([]domain.Payment, error) {
	if page.After != "" && !validUUID(page.After) {
		return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
	}
	if f.AccountID != "" && !validUUID(f.AccountID) {
		return nil, nil
	}
	var l listSQL
	l.scope(scope, "partner_id", "account_id", "")
	if page.After != "" {
		l.and("id < %s", page.After)
	}
	if f.Status != "" {
		l.filter("status = %s", string(f.Status))
	}
	if f.Method != "" {
		l.filter("method = %s", string(f.Method))
	}
	if f.AccountID != "" {
		l.and("account_id = %s", f.AccountID)
	}
	if !f.From.IsZero() {
		l.filter("created_at >= %s", f.From)
	}
	if !f.To.IsZero() {
		l.filter("created_at < %s", f.To)
	}
	rows, err := q.q.Query(ctx, l.newestFirst(`SELECT `+paymentColumns+` FROM payments`, "id", "payments", page.First+1), l.args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Payment, error) { return scanPayment(r) })
}

// InsertPayments queues one statement that appends every payment, with ids made here.
func (t *txStore) InsertPayments(ctx context.Context, ps []domain.Payment) error {
	n := len(ps)
	ids, orders, partners, accounts, suppliers, methods, statuses := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	amounts, debited := make([]decimal.Decimal, n), make([]decimal.Decimal, n)
	stdRates, stdFees, svcRates, svcFees, fxRates := make([]*decimal.Decimal, n), make([]*decimal.Decimal, n), make([]*decimal.Decimal, n),
		make([]*decimal.Decimal, n), make([]*decimal.Decimal, n)
	currencies, escrows := make([]string, n), make([]string, n)
	conversions, links := make([]*string, n), make([]*string, n)
	created := make([]time.Time, n)
	for i := range ps {
		ps[i].ID = newID()
		p := ps[i]
		for _, f := range p.Fees {
			switch f.Kind {
			case domain.FeeStandard:
				stdRates[i], stdFees[i] = &f.Rate, &f.Amount.Amount
			case domain.FeeService:
				svcRates[i], svcFees[i] = &f.Rate, &f.Amount.Amount
			}
		}
		ids[i], orders[i], partners[i], accounts[i], suppliers[i] = p.ID, p.OrderID, p.PartnerID, p.AccountID, p.SupplierID
		methods[i], statuses[i], amounts[i], debited[i], currencies[i] = string(p.Method), string(p.Status), p.Amount.Amount, p.Debited.Amount, string(p.Debited.Currency)
		fxRates[i], conversions[i], escrows[i], created[i], links[i] = p.FXRate, nullable(p.ConversionID), string(p.EscrowStatus), p.CreatedAt, nullable(p.LinkID)
	}
	t.tx.deferExec(`INSERT INTO payments (`+paymentColumns+`, link_id)
		SELECT id, order_id, partner_id, account_id, supplier_row_id, method, status, amount, standard_rate, standard_fee, service_rate,
			service_fee, debited_amount, debited_currency, fx_rate, conversion_id, escrow_status, 0, 0, 0, created_at, NULL, link_id
		FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::numeric[], $9::numeric[],
			$10::numeric[], $11::numeric[], $12::numeric[], $13::numeric[], $14::text[], $15::numeric[], $16::uuid[], $17::text[],
			$18::timestamptz[], $19::uuid[])
			WITH ORDINALITY AS p(id, order_id, partner_id, account_id, supplier_row_id, method, status, amount, standard_rate, standard_fee,
				service_rate, service_fee, debited_amount, debited_currency, fx_rate, conversion_id, escrow_status, created_at, link_id, n)
		ORDER BY n`,
		ids, orders, partners, accounts, suppliers, methods, statuses, amounts, stdRates, stdFees, svcRates, svcFees,
		debited, currencies, fxRates, conversions, escrows, created, links)
	return nil
}

func (t *txStore) LockPaymentsForRelease(ctx context.Context, ids []string) ([]domain.ReleasablePayment, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+prefixed("p.", paymentColumns)+`, s.payout_account
		FROM payments p JOIN suppliers s ON s.id = p.supplier_row_id WHERE p.id = ANY($1::uuid[]) ORDER BY p.id FOR UPDATE OF p`, ids)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.ReleasablePayment, error) {
		var l domain.ReleasablePayment
		l.Payment, err = scanPayment(scanExtra{r, &l.PayoutAccount})
		return l, err
	})
}

// scanExtra scans a row whose last column is one more value after an entity's columns.
type scanExtra struct {
	row   pgx.Row
	extra any
}

func (s scanExtra) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra)...) }

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

func (t *txStore) LockPaymentByOrder(ctx context.Context, orderID string) (domain.Payment, error) {
	return scanPayment(t.tx.QueryRow(ctx, `SELECT `+paymentColumns+` FROM payments WHERE order_id = $1 FOR UPDATE`, orderID))
}

func (t *txStore) UpdatePayment(ctx context.Context, p domain.Payment) error {
	t.tx.deferExec(`UPDATE payments SET status = $2, escrow_status = $3, refunded_amount = $4, refunded_fees = $5,
		credited_back = $6, released_at = $7, refunded_standard_fee = $8 WHERE id = $1`,
		p.ID, p.Status, p.EscrowStatus, p.RefundedAmount, p.RefundedFees, p.CreditedBack, p.ReleasedAt, p.RefundedStandardFee())
	return nil
}

const refundColumns = `id, payment_id, amount, fees_refunded, credited_amount, credited_currency, reason, created_at`

func scanRefund(row pgx.Row) (domain.Refund, error) {
	var r domain.Refund
	err := row.Scan(&r.ID, &r.PaymentID, &r.Amount.Amount, &r.FeesRefunded.Amount, &r.Credited.Amount, &r.Credited.Currency, &r.Reason, &r.CreatedAt)
	r.Amount.Currency, r.FeesRefunded.Currency = domain.CNY, domain.CNH
	return r, translate(err)
}

func (q queries) Refunds(ctx context.Context, paymentID string) ([]domain.Refund, error) {
	rows, err := q.q.Query(ctx, `SELECT `+refundColumns+` FROM refunds WHERE payment_id = $1 ORDER BY id`, paymentID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Refund, error) { return scanRefund(r) })
}

func (q queries) Refund(ctx context.Context, id string) (domain.Refund, error) {
	return scanRefund(q.q.QueryRow(ctx, `SELECT `+refundColumns+` FROM refunds WHERE id = $1`, id))
}

func (t *txStore) InsertRefund(ctx context.Context, r *domain.Refund) error {
	r.ID = newID()
	t.tx.deferExec(`INSERT INTO refunds (`+refundColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		r.ID, r.PaymentID, r.Amount.Amount, r.FeesRefunded.Amount, r.Credited.Amount, r.Credited.Currency, r.Reason, r.CreatedAt)
	return nil
}

const payoutColumns = `id, payment_id, order_id, partner_id, account_id, supplier_row_id, amount, status, attempts, rail_reference,
	failure_reason, created_at, paid_at`

func scanPayout(row pgx.Row) (domain.Payout, error) {
	var p domain.Payout
	err := row.Scan(&p.ID, &p.PaymentID, &p.OrderID, &p.PartnerID, &p.AccountID, &p.SupplierID, &p.Amount.Amount, &p.Status,
		&p.Attempts, &p.RailReference, &p.FailureReason, &p.CreatedAt, &p.PaidAt)
	p.Amount.Currency = domain.CNY
	return p, translate(err)
}

func (q queries) Payout(ctx context.Context, id string, scope domain.Scope) (domain.Payout, error) {
	if !validUUID(id) {
		return domain.Payout{}, domain.NotFound("payout", nil)
	}
	all, partner, account := scopeArgs(scope)
	return scanPayout(q.q.QueryRow(ctx, `SELECT `+payoutColumns+` FROM payouts WHERE id = $1 AND `+paymentScope, id, all, partner, account))
}

func (q queries) PayoutByPayment(ctx context.Context, paymentID string) (domain.Payout, error) {
	return scanPayout(q.q.QueryRow(ctx, `SELECT `+payoutColumns+` FROM payouts WHERE payment_id = $1`, paymentID))
}

func (q queries) Payouts(ctx context.Context, scope domain.Scope, status domain.PayoutStatus, page domain.Page) ([]domain.Payout, error) {
	if page.After != "" && !validUUID(page.After) {
		return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
	}
	var l listSQL
	l.scope(scope, "partner_id", "account_id", "")
	if page.After != "" {
		l.and("id < %s", page.After)
	}
	if status != "" {
		l.filter("status = %s", string(status))
	}
	rows, err := q.q.Query(ctx, l.newestFirst(`SELECT `+payoutColumns+` FROM payouts`, "id", "payouts", page.First+1), l.args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Payout, error) { return scanPayout(r) })
}

func (t *txStore) InsertPayout(ctx context.Context, p *domain.Payout) error {
	p.ID = newID()
	t.tx.deferExec(`INSERT INTO payouts (id, payment_id, order_id, partner_id, account_id, supplier_row_id, amount, currency, status, attempts, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'CNY', $8, $9, $10)`,
		p.ID, p.PaymentID, p.OrderID, p.PartnerID, p.AccountID, p.SupplierID, p.Amount.Amount, p.Status, p.Attempts, p.CreatedAt)
	return nil
}

func (t *txStore) LockPayout(ctx context.Context, id string, scope domain.Scope) (domain.Payout, error) {
	if !validUUID(id) {
		return domain.Payout{}, domain.NotFound("payout", nil)
	}
	all, partner, account := scopeArgs(scope)
	return scanPayout(t.tx.QueryRow(ctx, `SELECT `+payoutColumns+` FROM payouts WHERE id = $1 AND `+paymentScope+` FOR UPDATE`, id, all, partner, account))
}

func (t *txStore) LockPayouts(ctx context.Context, ids []string) ([]domain.Payout, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+payoutColumns+` FROM payouts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, ids)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Payout, error) { return scanPayout(r) })
}

func (t *txStore) UpdatePayout(ctx context.Context, p domain.Payout) error {
	t.tx.deferExec(`UPDATE payouts SET status = $2, attempts = $3, rail_reference = $4, failure_reason = $5, paid_at = $6 WHERE id = $1`,
		p.ID, p.Status, p.Attempts, p.RailReference, p.FailureReason, p.PaidAt)
	return nil
}

// openPayouts are the payout statuses of a payout not yet paid (PENDING, SUBMITTED) or
// failed, written out as the partial indexes payouts_open and payouts_open_partner (migration
// 0031) are, so a query on them can use those indexes.
const openPayouts = `('PENDING', 'SUBMITTED', 'FAILED')`

// netFees is a payment's fees net of its refunded fees (domain.Payment's TotalFees less
// RefundedFees) as SQL, for the payments row named by alias ("" when unaliased): the fee figure
// of partnerSummary, its roll-up and the partner reconciliation report.
func netFees(alias string) string {
	if alias != "" {
		alias += "."
	}
	return "coalesce(" + alias + "standard_fee, 0) + coalesce(" + alias + "service_fee, 0) - " + alias + "refunded_fees"
}

// Trail finds each transaction by its (kind, reference) in ledger_references, one key lookup,
// and its entries by transaction id, in its month's partition only.
func (q queries) Trail(ctx context.Context, references []domain.LedgerRef) ([]domain.PostedEntry, error) {
	kinds, refs := make([]string, len(references)), make([]string, len(references))
	for i, r := range references {
		kinds[i], refs[i] = string(r.Kind), r.Reference
	}
	rows, err := q.q.Query(ctx, `SELECT e.id::text, r.kind, r.reference, e.book, coalesce(e.account_id::text, ''), e.currency, e.amount, e.created_at
		FROM unnest($1::text[], $2::text[]) AS x(kind, reference)
		JOIN ledger_references r ON r.kind = x.kind AND r.reference = x.reference
		JOIN ledger_entries e ON e.transaction_id = r.transaction_id
		ORDER BY e.id`, kinds, refs)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.PostedEntry, error) {
		var p domain.PostedEntry
		err := r.Scan(&p.ID, &p.Kind, &p.Reference, &p.Book, &p.AccountID, &p.Amount.Currency, &p.Amount.Amount, &p.CreatedAt)
		return p, err
	})
}
