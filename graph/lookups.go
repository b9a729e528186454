package graph

import (
	"context"
	"reflect"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
)

// partner resolves a partner by global id; null when absent or not visible.
func (r *Resolver) partner(ctx context.Context, id string) (*model.Partner, error) {
	raw, err := decodeID(id, typePartner, "id")
	if err != nil {
		return nil, err
	}
	p, err := r.Svc.Partner(ctx, ActorFrom(ctx), raw)
	if domain.CodeOf(err) == domain.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return toPartner(p), nil
}

// topUp resolves a top-up by global id; null when absent or not visible.
func (r *Resolver) topUp(ctx context.Context, id string) (*model.TopUp, error) {
	raw, err := decodeID(id, typeTopUp, "id")
	if err != nil {
		return nil, err
	}
	t, err := r.Svc.TopUpByID(ctx, ActorFrom(ctx), raw)
	if domain.CodeOf(err) == domain.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return toTopUp(t), nil
}

// isNilNode catches a typed nil pointer inside the Node interface.
func isNilNode(n model.Node) bool {
	if n == nil {
		return true
	}
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// marketplaceNode resolves a member, supplier, link or order by global id; null when absent
// or not visible.
func (r *Resolver) marketplaceNode(ctx context.Context, typ, gid string) (model.Node, error) {
	raw, err := decodeID(gid, typ, "id")
	if err != nil {
		return nil, err
	}
	actor := ActorFrom(ctx)
	switch typ {
	case typeMember:
		m, err := r.Svc.MemberByID(ctx, actor, raw)
		return nullIfNotFound(m, err, toMember)
	case typeSupplier:
		s, err := r.Svc.SupplierByID(ctx, actor, raw)
		return nullIfNotFound(s, err, toSupplier)
	case typeLink:
		l, err := r.Svc.Link(ctx, actor, raw)
		return nullIfNotFound(l, err, toLink)
	case typeOrder:
		o, err := r.Svc.Order(ctx, actor, raw)
		return nullIfNotFound(o, err, toOrder)
	}
	return nil, nil
}

// conversion resolves a conversion by global id; null when absent or not visible.
func (r *Resolver) conversion(ctx context.Context, id string) (*model.Conversion, error) {
	raw, err := decodeID(id, typeConversion, "id")
	if err != nil {
		return nil, err
	}
	c, err := r.Svc.Conversion(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(c, err, toConversion)
}

// payments lists payments for the payments query and Account.payments.
func (r *Resolver) payments(ctx context.Context, first *int, after *string, f domain.PaymentFilter) (*model.PaymentConnection, error) {
	p, err := page(first, after)
	if err != nil {
		return nil, err
	}
	sl, err := r.Svc.Payments(ctx, ActorFrom(ctx), f, p)
	if err != nil {
		return nil, err
	}
	edges, info := connection(sl, func(x domain.Payment) string { return x.ID },
		func(c string, x domain.Payment) *model.PaymentEdge {
			return &model.PaymentEdge{Cursor: c, Node: toPayment(x)}
		})
	return &model.PaymentConnection{Edges: edges, PageInfo: info}, nil
}

// otherNode resolves the remaining node types by global id; null when absent or not visible.
func (r *Resolver) otherNode(ctx context.Context, typ, gid string) (model.Node, error) {
	if typ == "Job" {
		id, err := decodeJobID(gid)
		if err != nil {
			return nil, err
		}
		j, err := r.Svc.Job(ctx, ActorFrom(ctx), id)
		if domain.CodeOf(err) == domain.CodeForbidden {
			return nil, nil
		}
		return nullIfNotFound(j, err, toJob)
	}
	raw, err := decodeID(gid, typ, "id")
	if err != nil {
		return nil, err
	}
	actor := ActorFrom(ctx)
	switch typ {
	case typeRefund:
		v, err := r.Svc.RefundByID(ctx, actor, raw)
		return nullIfNotFound(v, err, toRefund)
	case typeEvent:
		v, err := r.Svc.EventByID(ctx, actor, raw)
		return nullIfNotFound(v, err, toEvent)
	case typeEndpoint:
		v, err := r.Svc.WebhookEndpointByID(ctx, actor, raw)
		return nullIfNotFound(v, err, toEndpoint)
	case typeAPIKey:
		v, err := r.Svc.APIKeyByID(ctx, actor, raw)
		return nullIfNotFound(v, err, toAPIKey)
	case "FeeStatement":
		v, err := r.Svc.FeeStatementByID(ctx, actor, raw)
		return nullIfNotFound(v, err, toFeeStatement)
	}
	return nil, nil
}
