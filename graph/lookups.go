package graph

import (
	"context"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
)

// The lookups below read one object by its raw id for the caller; each answers null when the
// object does not exist or the caller may not see it (the two look the same).

func (r *Resolver) account(ctx context.Context, raw string) (*model.Account, error) {
	a, err := r.Svc.Account(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(a, err, toAccount)
}

func (r *Resolver) partner(ctx context.Context, raw string) (*model.Partner, error) {
	p, err := r.Svc.Partner(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(p, err, toPartner)
}

func (r *Resolver) apiKey(ctx context.Context, raw string) (*model.APIKey, error) {
	k, err := r.Svc.APIKeyByID(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(k, err, toAPIKey)
}

func (r *Resolver) topUp(ctx context.Context, raw string) (*model.TopUp, error) {
	t, err := r.Svc.TopUpByID(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(t, err, toTopUp)
}

func (r *Resolver) member(ctx context.Context, raw string) (*model.MarketplaceMember, error) {
	m, err := r.Svc.MemberByID(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(m, err, toMember)
}

func (r *Resolver) supplier(ctx context.Context, raw string) (*model.Supplier, error) {
	s, err := r.Svc.SupplierByID(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(s, err, toSupplier)
}

func (r *Resolver) link(ctx context.Context, raw string) (*model.MarketplaceLink, error) {
	l, err := r.Svc.Link(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(l, err, toLink)
}

func (r *Resolver) order(ctx context.Context, raw string) (*model.Order, error) {
	if o, ok := knownOrder(ctx, raw); ok {
		return toOrder(o), nil
	}
	o, err := r.Svc.Order(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(o, err, toOrder)
}

func (r *Resolver) quote(ctx context.Context, raw string) (*model.Quote, error) {
	q, err := r.Svc.Quote(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(q, err, func(q domain.Quote) *model.Quote { return toQuote(q, r.Svc.Now()) })
}

func (r *Resolver) conversion(ctx context.Context, raw string) (*model.Conversion, error) {
	c, err := r.Svc.Conversion(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(c, err, toConversion)
}

func (r *Resolver) payment(ctx context.Context, raw string) (*model.Payment, error) {
	p, err := r.Svc.Payment(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(p, err, toPayment)
}

func (r *Resolver) payout(ctx context.Context, raw string) (*model.Payout, error) {
	p, err := r.Svc.Payout(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(p, err, toPayout)
}

func (r *Resolver) refund(ctx context.Context, raw string) (*model.Refund, error) {
	v, err := r.Svc.RefundByID(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(v, err, toRefund)
}

func (r *Resolver) feeStatement(ctx context.Context, raw string) (*model.FeeStatement, error) {
	s, err := r.Svc.FeeStatementByID(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(s, err, toFeeStatement)
}

func (r *Resolver) event(ctx context.Context, raw string) (*model.Event, error) {
	e, err := r.Svc.EventByID(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(e, err, toEvent)
}

func (r *Resolver) endpoint(ctx context.Context, raw string) (*model.WebhookEndpoint, error) {
	w, err := r.Svc.WebhookEndpointByID(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(w, err, toEndpoint)
}

func (r *Resolver) ledgerEntry(ctx context.Context, raw string) (*model.LedgerEntry, error) {
	l, err := r.Svc.StatementLine(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(l, err, toLedgerEntry)
}

// delivery answers null also for FORBIDDEN: deliveries are for the roles that own endpoints.
func (r *Resolver) delivery(ctx context.Context, raw string) (*model.WebhookDelivery, error) {
	d, err := r.Svc.WebhookDelivery(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(d, nullIfForbidden(err), toDelivery)
}

// job answers null also for FORBIDDEN: jobs are for operators only.
func (r *Resolver) job(ctx context.Context, raw string) (*model.Job, error) {
	id, err := parseJobID(raw)
	if err != nil {
		return nil, err
	}
	j, err := r.Svc.Job(ctx, ActorFrom(ctx), id)
	return nullIfNotFound(j, nullIfForbidden(err), toJob)
}

// nullIfForbidden turns FORBIDDEN into NOT_FOUND, for reads whose role rule alone hides an
// object: the caller learns nothing it could not learn from any other id.
func nullIfForbidden(err error) error {
	if domain.CodeOf(err) == domain.CodeForbidden {
		return domain.NotFound("object", nil)
	}
	return err
}

// byID decodes a global id of type typ (INVALID_INPUT naming "id" otherwise) and reads the
// object with lookup.
func byID[M any](ctx context.Context, gid, typ string, lookup func(context.Context, string) (M, error)) (M, error) {
	raw, err := decodeID(gid, typ, "id")
	if err != nil {
		var none M
		return none, err
	}
	return lookup(ctx, raw)
}

// optionalRef reads the object a nullable global id names; null when there is none.
func optionalRef[M any](ctx context.Context, gid *string, typ string, lookup func(context.Context, string) (M, error)) (M, error) {
	if gid == nil {
		var none M
		return none, nil
	}
	return byID(ctx, *gid, typ, lookup)
}

// mapResult maps a domain call's result with to, or passes its error on.
func mapResult[T, M any](v T, err error, to func(T) M) (M, error) {
	if err != nil {
		var none M
		return none, err
	}
	return to(v), nil
}

// nullIfNotFound is mapResult for a read that answers null for NOT_FOUND.
func nullIfNotFound[T, M any](v T, err error, to func(T) M) (M, error) {
	return orNull(mapResult(v, err, to))
}

// orNull answers null instead of NOT_FOUND: for a read, an object that does not exist and one
// the caller may not see are both null.
func orNull[M any](m M, err error) (M, error) {
	if domain.CodeOf(err) == domain.CodeNotFound {
		var none M
		return none, nil
	}
	return m, err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// payments lists payments for the payments query and Account.payments.
func (r *Resolver) payments(ctx context.Context, first *int, after *string, f domain.PaymentFilter) (*model.PaymentConnection, error) {
	return connect(first, after, func(p domain.Page) (domain.Slice[domain.Payment], error) {
		return r.Svc.Payments(ctx, ActorFrom(ctx), f, p)
	}, toPaymentConnection)
}

// feeStatements lists an account's statements for the feeStatements query and
// Account.feeStatements.
func (r *Resolver) feeStatements(ctx context.Context, accountID string, first *int, after *string) (*model.FeeStatementConnection, error) {
	return connect(first, after, func(p domain.Page) (domain.Slice[domain.FeeStatement], error) {
		return r.Svc.FeeStatements(ctx, ActorFrom(ctx), accountID, p)
	}, toFeeStatementConnection)
}
