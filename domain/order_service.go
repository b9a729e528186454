package domain

import "context"

// CreateOrder records a 1688 order awaiting payment. PARTNER only. Idempotent on
// (partner, externalId): the same content returns the same order; other content under a used
// externalId is IDEMPOTENCY_KEY_REUSED. NOT_FOUND for an unknown buyer member or supplier.
func (s *Service) CreateOrder(ctx context.Context, actor Actor, in CreateOrderInput) (Order, error) {
	if err := actor.Can(ActCreateOrder); err != nil {
		return Order{}, err
	}
	amount, err := in.Validate()
	if err != nil {
		return Order{}, err
	}
	var out Order
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		var errs Errors
		m, err := tx.Member(ctx, actor.PartnerID, in.BuyerMemberID)
		if err != nil {
			if CodeOf(err) != CodeNotFound {
				return err
			}
			errs = append(errs, NotFound("marketplace member", Field("buyerMemberId")))
		}
		sup, err := tx.Supplier(ctx, actor.PartnerID, in.SupplierID)
		if err != nil {
			if CodeOf(err) != CodeNotFound {
				return err
			}
			errs = append(errs, NotFound("supplier", Field("supplierId")))
		}
		if len(errs) > 0 {
			return errs
		}
		now := s.clock.Now()
		o := Order{PartnerID: actor.PartnerID, ExternalID: in.ExternalID, BuyerMemberID: m.ID, BuyerMemberExternalID: m.ExternalID,
			Supplier: sup, Amount: amount, TradeMode: in.TradeMode, ContainsProhibitedItems: in.ContainsProhibitedItems,
			RedPacketDiscount: in.RedPacketDiscount, Status: OrderAwaitingPayment, CreatedAt: now, UpdatedAt: now}
		want := o
		created, err := tx.InsertOrder(ctx, &o)
		if err != nil {
			return err
		}
		if !created && !o.SameContent(want) {
			return Errorf(CodeIdempotencyKeyReused, Field("externalId"), "externalId %q was already used for a different order", in.ExternalID)
		}
		out = o
		if !created {
			return nil
		}
		return s.emit(ctx, tx, Event{Type: EventOrderCreated, PartnerID: o.PartnerID, ObjectType: "Order", ObjectID: o.ID})
	})
	return out, err
}

// CancelOrder cancels an unpaid order. PARTNER (its own) or OPERATOR. Cancelling a cancelled
// order returns it; any other state is INVALID_STATE.
func (s *Service) CancelOrder(ctx context.Context, actor Actor, orderID string) (Order, error) {
	return s.changeOrder(ctx, actor, ActCancelOrder, orderID, func(ctx context.Context, tx Tx, o *Order) error {
		if o.Status == OrderCancelled {
			return nil
		}
		if !o.Status.CanBecome(OrderCancelled) {
			return Errorf(CodeInvalidState, Field("orderId"), "only an unpaid order can be cancelled; this one is %s", o.Status)
		}
		now := s.clock.Now()
		if err := moveOrder(ctx, tx, *o, OrderCancelled, now); err != nil {
			return err
		}
		o.Status, o.UpdatedAt = OrderCancelled, now
		return s.emit(ctx, tx, Event{Type: EventOrderCancelled, PartnerID: o.PartnerID, ObjectType: "Order", ObjectID: o.ID})
	})
}

// changeOrder checks act, locks an order within the actor's scope and applies change in one
// transaction. NOT_FOUND outside the actor's scope.
func (s *Service) changeOrder(ctx context.Context, actor Actor, act Action, orderID string, change func(context.Context, Tx, *Order) error) (Order, error) {
	if err := actor.Can(act); err != nil {
		return Order{}, err
	}
	var out Order
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		o, err := tx.LockOrder(ctx, orderID, actor.Scope())
		if err != nil {
			return notFoundAs(err, "order", Field("orderId"))
		}
		if err := change(ctx, tx, &o); err != nil {
			return err
		}
		out = o
		return nil
	})
	return out, err
}

// Order returns an order within the actor's scope: a partner's own, an account's linked
// members' orders, every order for operators.
func (s *Service) Order(ctx context.Context, actor Actor, id string) (Order, error) {
	if err := actor.Can(ActReadOrder); err != nil {
		return Order{}, err
	}
	return s.store.Queries().Order(ctx, id, actor.Scope())
}

// OrderByExternalID returns the calling partner's order by its marketplace id.
func (s *Service) OrderByExternalID(ctx context.Context, actor Actor, externalID string) (Order, error) {
	if err := actor.Can(ActReadOrderByExternalID); err != nil {
		return Order{}, err
	}
	return s.store.Queries().OrderByExternalID(ctx, actor.PartnerID, externalID)
}

// Orders lists orders within the actor's scope, newest first, optionally by status.
func (s *Service) Orders(ctx context.Context, actor Actor, status OrderStatus, page Page) (Slice[Order], error) {
	if err := actor.Can(ActListOrders); err != nil {
		return Slice[Order]{}, err
	}
	rows, err := s.store.Queries().Orders(ctx, actor.Scope(), status, page)
	return Cut(rows, page), err
}
