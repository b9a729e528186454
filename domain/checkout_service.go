package domain

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// PayOrdersInput is what payOrders accepts: PayOrderInput for several orders at once.
type PayOrdersInput struct {
	OrderIDs       []string
	Method         PaymentMethod
	PayCurrency    string
	BuyerIPCountry string
	IdempotencyKey string
	QuoteID        string // a locked quote that funds a WORLD_PAY shortfall
}

// validateOrderIDs checks a checkout's list: 1 to MaxCheckoutOrders ids, none repeated.
func validateOrderIDs(ids []string) error {
	if len(ids) == 0 || len(ids) > MaxCheckoutOrders {
		return Errorf(CodeInvalidInput, Field("orderIds"), "must list 1 to %d orders", MaxCheckoutOrders)
	}
	var errs Errors
	seen := make(map[string]int, len(ids))
	for i, id := range ids {
		if j, ok := seen[id]; ok {
			errs = append(errs, Errorf(CodeInvalidInput, orderIDField(i), "repeats orderIds[%d]", j))
			continue
		}
		seen[id] = i
	}
	return errs.Err()
}

// validate checks payOrders' input before anything is read: the order list, then what
// payOrder checks. Every problem is reported, each naming its field.
func (in PayOrdersInput) validate() (cur Currency, ip string, err error) {
	var errs Errors
	if err := validateOrderIDs(in.OrderIDs); err != nil {
		errs = append(errs, AsErrors(err)...)
	}
	cur, ip, err = PayOrderInput{Method: in.Method, PayCurrency: in.PayCurrency, BuyerIPCountry: in.BuyerIPCountry,
		IdempotencyKey: in.IdempotencyKey, QuoteID: in.QuoteID}.validate()
	if err != nil {
		errs = append(errs, AsErrors(err)...)
	}
	return cur, ip, errs.Err()
}

// orderIDField names the i-th order of a checkout.
func orderIDField(i int) []string { return Field("orderIds", strconv.Itoa(i)) }

// checkout gathers the situation of each order, reading through q. Orders of the same buyer
// member share one reading of the schedule, the link, the account and its balances.
func (s *Service) checkout(ctx context.Context, q Queries, orders []Order, payCurrency Currency, ip string) (Checkout, error) {
	c := make(Checkout, len(orders))
	byMember := map[string]PaymentSituation{}
	for i, o := range orders {
		sit, ok := byMember[o.BuyerMemberID]
		if !ok {
			var err error
			if sit, err = s.situation(ctx, q, o, payCurrency, ip); err != nil {
				return nil, err
			}
			byMember[o.BuyerMemberID] = sit
		}
		sit.Order = o
		c[i] = sit
	}
	return c, c.SameAccount()
}

// CheckoutOptions answers paymentOptions for several orders paid together: for every method,
// each order's option and whether the checkout as a whole can be paid, exactly as payOrders
// decides. Who may ask is who may ask paymentOptions; an order out of reach is NOT_FOUND
// naming orderIds[i]. INVALID_INPUT for a bad list, payCurrency or buyerIpCountry, or orders
// of members linked to different accounts.
func (s *Service) CheckoutOptions(ctx context.Context, actor Actor, orderIDs []string, payCurrency, ip, compareIn string) ([]CheckoutOption, []Order, error) {
	if err := actor.Can(ActReadOrder); err != nil {
		return nil, nil, err
	}
	if err := validateOrderIDs(orderIDs); err != nil {
		return nil, nil, err
	}
	cur, err := parsePayCurrency(payCurrency, false)
	if err != nil {
		return nil, nil, err
	}
	if ip, err = parseIPCountry(ip); err != nil {
		return nil, nil, err
	}
	cmpIn, err := parseCompareIn(compareIn)
	if err != nil {
		return nil, nil, err
	}
	q := s.store.Queries()
	orders := make([]Order, len(orderIDs))
	for i, id := range orderIDs {
		if orders[i], err = q.Order(ctx, id, actor.Scope()); err != nil {
			return nil, nil, notFoundAs(err, "order", orderIDField(i))
		}
	}
	c, err := s.checkout(ctx, q, orders, cur, ip)
	if err != nil {
		return nil, nil, err
	}
	cmp, err := s.comparison(ctx, c[0], cmpIn)
	if err != nil {
		return nil, nil, err
	}
	for i := range c {
		c[i].Compare = cmp
	}
	return c.Options(), orders, nil
}

// PayOrders pays 1 to 30 orders together, all or nothing, as payOrder pays one: one database
// transaction, one ledger transaction per order (each order keeps its own escrow, refund and
// payout), one debit of the buyer's CNH balance for the total, one idempotency key for the
// set. Fees are each order's own, so paying together costs exactly what paying separately
// would. Ineligible: one user error per reason, each naming its order (orderIds[i]) or, for
// the balance, the list; nothing changed. INVALID_INPUT for an empty, too long or repeating
// list; NOT_FOUND (orderIds[i]) for an order out of reach. Of two checkouts racing for an
// order, one pays it and the other fails with its ORDER_NOT_PAYABLE. The orders are returned
// as the payments left them, in the listed order, to an actor who may read orders.
func (s *Service) PayOrders(ctx context.Context, actor Actor, in PayOrdersInput) (ps []Payment, paid []Order, err error) {
	defer func() {
		if err != nil {
			s.observePayment(in.Method, err, Money{})
		}
		for _, p := range ps {
			s.observePayment(in.Method, nil, p.Debited)
		}
	}()
	if err := actor.Can(ActPayOrders); err != nil {
		return nil, nil, err
	}
	cur, ip, err := in.validate()
	if err != nil {
		return nil, nil, err
	}
	var out []Payment
	var orders []Order
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		hash := RequestHash("payOrders", append(slices.Clone(in.OrderIDs), string(in.Method), string(cur), ip, in.QuoteID)...)
		prior, err := claimKey(ctx, tx, actor, in.IdempotencyKey, "payOrders", hash)
		if err != nil {
			return err
		}
		if prior != "" {
			out, err = paymentsOf(ctx, tx, strings.Split(prior, ","))
			return err
		}
		if orders, err = lockOrders(ctx, tx, actor, in.OrderIDs); err != nil {
			return err
		}
		c, err := s.checkout(ctx, tx, orders, cur, ip)
		if err != nil {
			return err
		}
		if err := s.withQuote(ctx, tx, actor, c, in.QuoteID); err != nil {
			return err
		}
		if err := s.serializeFunding(ctx, tx, c); err != nil {
			return err
		}
		if err := c.Eligible(in.Method); err != nil {
			return err
		}
		// One conversion covers the checkout's CNH shortfall; every payment it funds links it.
		conversionID, err := s.convertShortfall(ctx, tx, c.account().ID, c.Option(in.Method).Conversion)
		if err != nil {
			return err
		}
		out = make([]Payment, len(c))
		for i, sit := range c {
			p, err := s.chargeBuyer(ctx, tx, sit, in.Method)
			if err != nil {
				return err
			}
			if p.ConversionID == "" {
				p.ConversionID = conversionID
			}
			out[i] = p
		}
		if err := s.recordPayments(ctx, tx, orders, out); err != nil {
			return err
		}
		ls := make([]LedgerTx, len(c))
		ids := make([]string, len(c))
		for i, p := range out {
			if ls[i], err = PaymentLedger(p); err != nil {
				return err
			}
			ids[i] = p.ID
		}
		if err := tx.SetIdempotencyResult(ctx, actor.Principal(), in.IdempotencyKey, strings.Join(ids, ",")); err != nil {
			return err
		}
		limits := map[string]LinkLimits{}
		for _, sit := range c {
			limits[sit.Link.ID] = sit.Link.Limits
		}
		if err := tx.AddLinkSpending(ctx, linkSpends(out, limits)); err != nil {
			return err
		}
		// As in PayOrder, the debit goes last, with the commit.
		return tx.PostLedgersAtCommit(ctx, ls)
	})
	if err != nil {
		return nil, nil, checkoutInsufficient(err)
	}
	if actor.Can(ActReadOrder) != nil {
		orders = nil // paid, but not the actor's to read
	}
	return out, orders, nil
}

// lockOrders locks the listed orders in one statement, in id order (so checkouts sharing
// orders cannot deadlock), and returns them in the listed order; NOT_FOUND names the first
// order out of reach (orderIds[i]).
func lockOrders(ctx context.Context, tx Tx, actor Actor, ids []string) ([]Order, error) {
	locked, err := tx.LockOrders(ctx, ids, actor.Scope())
	if err != nil {
		return nil, err
	}
	byID := make(map[string]Order, len(locked))
	for _, o := range locked {
		byID[o.ID] = o
	}
	orders := make([]Order, len(ids))
	for i, id := range ids {
		o, ok := byID[id]
		if !ok {
			return nil, NotFound("order", orderIDField(i))
		}
		orders[i] = o
	}
	return orders, nil
}

// paymentsOf reads payments by id, in that order.
func paymentsOf(ctx context.Context, q Queries, ids []string) ([]Payment, error) {
	out := make([]Payment, len(ids))
	for i, id := range ids {
		p, err := q.Payment(ctx, id, Scope{All: true})
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// checkoutInsufficient reports a lost race for the balance or a link's limit as the
// checkout's INSUFFICIENT_BALANCE or LINK_LIMIT_EXCEEDED.
func checkoutInsufficient(err error) error {
	if r := CodeOf(err); r == CodeInsufficientBalance || r == ReasonLinkLimitExceeded {
		return checkoutReason(r)
	}
	return err
}
