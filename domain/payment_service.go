package domain

import (
	"context"
	"time"

	"github.com/shopspring/decimal"
)

// PayOrderInput is what payOrder accepts.
type PayOrderInput struct {
	OrderID        string
	Method         PaymentMethod
	PayCurrency    string
	BuyerIPCountry string
	IdempotencyKey string
	QuoteID        string // a locked quote that funds a WORLD_PAY shortfall
}

func parsePayCurrency(raw string, required bool) (Currency, error) {
	if raw == "" {
		if required {
			return "", Errorf(CodeInvalidInput, Field("payCurrency"), "is required to pay from a WorldFirst balance")
		}
		return "", nil
	}
	c, err := ParseHoldable(raw, Field("payCurrency"))
	if err == nil && c == CNH {
		return "", Errorf(CodeInvalidInput, Field("payCurrency"), "must be a foreign currency: CNH pays through WORLD_PAY")
	}
	return c, err
}

func parseIPCountry(raw string) (string, error) {
	if raw != "" && !IsCountryCode(raw) {
		return "", Errorf(CodeInvalidInput, Field("buyerIpCountry"), "%q is not an ISO 3166-1 alpha-2 country code", clip(raw))
	}
	return raw, nil
}

// situation gathers what decides an order's payment options, reading through q (the pool, or
// the paying transaction).
func (s *Service) situation(ctx context.Context, q Queries, o Order, payCurrency Currency, ip string) (PaymentSituation, error) {
	sched, err := q.FeeSchedule(ctx, s.clock.Now())
	if err != nil {
		return PaymentSituation{}, err
	}
	sit := PaymentSituation{Order: o, PayCurrency: payCurrency, BuyerIPCountry: ip, Schedule: sched, Balances: map[Currency]decimal.Decimal{}}
	m, err := q.MemberByID(ctx, o.BuyerMemberID, Scope{All: true})
	if err != nil {
		return sit, err
	}
	sit.Member = m
	link, err := q.ActiveLinkOfMember(ctx, m.ID)
	switch {
	case err == nil:
		sit.Link = &link
		a, err := q.Account(ctx, link.AccountID, Scope{All: true})
		if err != nil {
			return sit, err
		}
		sit.Account = &a
		if !link.Limits.None() {
			if sit.LinkSpent, err = q.LinkSpent(ctx, link.ID, SpendingPeriodOf(s.clock.Now())); err != nil {
				return sit, err
			}
		}
		bs, err := q.Balances(ctx, a.ID)
		if err != nil {
			return sit, err
		}
		for _, b := range bs {
			sit.Balances[b.Available.Currency] = b.Available.Amount
		}
		if sit.Funding, err = s.funding(ctx, q, a.ID); err != nil {
			return sit, err
		}
	case CodeOf(err) != CodeNotFound:
		return sit, err
	}
	if payCurrency != "" {
		book, err := s.rateBook(ctx)
		if err != nil {
			return sit, err
		}
		if mid, err := book.Mid(payCurrency, CNH); err == nil {
			sit.PayRate = s.cfg.SpreadBps.Apply(mid)
		}
	}
	return sit, nil
}

// PaymentOptions answers FAQ 10–11 for one order: every method, whether it is available, every
// reason it is not, who handles it, its fees and the total the buyer would pay. PARTNER (its
// orders), ACCOUNT (its linked members' orders), OPERATOR. payCurrency prices
// WORLDFIRST_BALANCE (its total is null without one). Each option carries its landed cost in
// compareIn (default: the account's auto-convert currency, else CNH), its saving against the
// card and how long it takes; BANK_TRANSFER is shown for comparison, with no fee or cost.
func (s *Service) PaymentOptions(ctx context.Context, actor Actor, orderID, payCurrency, ip, compareIn string) ([]PaymentOption, error) {
	cur, err := parsePayCurrency(payCurrency, false)
	if err != nil {
		return nil, err
	}
	cmp, err := parseCompareIn(compareIn)
	if err != nil {
		return nil, err
	}
	if ip, err = parseIPCountry(ip); err != nil {
		return nil, err
	}
	o, err := s.Order(ctx, actor, orderID)
	if err != nil {
		return nil, err
	}
	sit, err := s.situation(ctx, s.store.Queries(), o, cur, ip)
	if err != nil {
		return nil, err
	}
	if sit.Compare, err = s.comparison(ctx, sit, cmp); err != nil {
		return nil, err
	}
	return sit.Options(), nil
}

// PayOrder pays an order from the buyer's KJB account, linked to the order's buyer member:
// WORLD_PAY debits CNH = amount + STANDARD + SERVICE fees; WORLDFIRST_BALANCE converts from
// payCurrency at the live rate in the same transaction. The money goes into escrow and the
// auto-release is scheduled, all in one transaction. Ineligible: one user error per reason
// (exactly those paymentOptions gives), nothing changed. Idempotent on idempotencyKey.
func (s *Service) PayOrder(ctx context.Context, actor Actor, in PayOrderInput) (p Payment, err error) {
	defer func() { s.observePayment(in.Method, err, p.Debited) }()
	if err := actor.Can(ActPayOrder); err != nil {
		return Payment{}, err
	}
	cur, ip, err := in.validate()
	if err != nil {
		return Payment{}, err
	}
	var out Payment
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		prior, err := claimKey(ctx, tx, actor, in.IdempotencyKey, "payOrder",
			RequestHash("payOrder", in.OrderID, string(in.Method), string(cur), ip, in.QuoteID))
		if err != nil {
			return err
		}
		if prior != "" {
			out, err = tx.Payment(ctx, prior, Scope{All: true})
			return err
		}
		o, err := tx.LockOrder(ctx, in.OrderID, actor.Scope())
		if err != nil {
			return notFoundAs(err, "order", Field("orderId"))
		}
		sit, err := s.situation(ctx, tx, o, cur, ip)
		if err != nil {
			return err
		}
		c := Checkout{sit}
		if err := s.withQuote(ctx, tx, actor, c, in.QuoteID); err != nil {
			return err
		}
		if err := s.serializeFunding(ctx, tx, c); err != nil {
			return err
		}
		sit = c[0]
		if err := sit.Eligible(in.Method); err != nil {
			return err
		}
		p, err := s.chargeBuyer(ctx, tx, sit, in.Method)
		if err != nil {
			return err
		}
		if p.ConversionID == "" {
			if p.ConversionID, err = s.convertShortfall(ctx, tx, p.AccountID, sit.Option(in.Method).Conversion); err != nil {
				return err
			}
		}
		ps := []Payment{p}
		if err := s.recordPayments(ctx, tx, []Order{o}, ps); err != nil {
			return err
		}
		p = ps[0]
		if err := tx.SetIdempotencyResult(ctx, actor.Principal(), in.IdempotencyKey, p.ID); err != nil {
			return err
		}
		if err := tx.AddLinkSpending(ctx, linkSpends([]Payment{p}, map[string]LinkLimits{sit.Link.ID: sit.Link.Limits})); err != nil {
			return err
		}
		// The debit goes last, with the commit: the buyer's balance row, the one contended
		// row, stays locked only for the commit. A payment that lost a race for the balance
		// fails there.
		l, err := PaymentLedger(p)
		if err != nil {
			return err
		}
		out = p
		return tx.PostLedgerAtCommit(ctx, l)
	})
	if err != nil {
		return Payment{}, insufficientAsReason(err)
	}
	return out, nil
}

// validate checks payOrder's input before anything is read: the method is one KJB takes,
// payCurrency (required for WORLDFIRST_BALANCE), buyerIpCountry and the idempotency key.
// Every problem is reported, each naming its field.
func (in PayOrderInput) validate() (cur Currency, ip string, err error) {
	var errs Errors
	switch in.Method {
	case MethodWorldPay:
	case MethodWorldFirstBalance:
		c, err := parsePayCurrency(in.PayCurrency, true)
		if err != nil {
			errs = append(errs, err.(*Error))
		}
		cur = c
	case MethodCard, MethodAlipay, MethodBankTransfer:
		errs = append(errs, Errorf(CodeInvalidInput, Field("method"), "%s is taken by the marketplace's own checkout", in.Method))
	default:
		errs = append(errs, Errorf(CodeInvalidInput, Field("method"), "is not a payment method"))
	}
	ip, err = parseIPCountry(in.BuyerIPCountry)
	if err != nil {
		errs = append(errs, err.(*Error))
	}
	if _, err := ValidateReference(in.IdempotencyKey, Field("idempotencyKey")); err != nil {
		errs = append(errs, err.(*Error))
	}
	if in.QuoteID != "" && in.Method != MethodWorldPay {
		errs = append(errs, Errorf(CodeInvalidInput, Field("quoteId"), "funds a WORLD_PAY payment's shortfall only"))
	}
	return cur, ip, errs.Err()
}

// chargeBuyer prices the payment for method: WORLD_PAY adds the fees to a CNH debit;
// WORLDFIRST_BALANCE books a conversion from payCurrency at the situation's rate, which
// debits that balance. The payment is not stored yet.
func (s *Service) chargeBuyer(ctx context.Context, tx Tx, sit PaymentSituation, method PaymentMethod) (Payment, error) {
	o, now := sit.Order, s.clock.Now()
	p := Payment{OrderID: o.ID, PartnerID: o.PartnerID, AccountID: sit.Account.ID, LinkID: sit.Link.ID, SupplierID: o.Supplier.ID,
		Method: method, Status: PaymentSucceeded, Amount: o.Amount, EscrowStatus: EscrowHeld, CreatedAt: now}
	if method == MethodWorldPay {
		p.Fees = sit.WorldPayFees()
		p.Debited = Money{Amount: o.Amount.Amount.Add(p.TotalFees().Amount), Currency: CNH}
		return p, nil
	}
	rate := sit.PayRate
	conv := Conversion{AccountID: p.AccountID, Sold: sit.WorldFirstDebit(), Bought: Money{Amount: o.Amount.Amount, Currency: CNH},
		Rate: rate, Status: ConversionBooked, CreatedAt: now}
	if err := s.bookConversion(ctx, tx, &conv); err != nil {
		return Payment{}, insufficientAsReason(err)
	}
	p.Debited, p.FXRate, p.ConversionID = conv.Sold, &rate, conv.ID
	return p, nil
}

// recordPayments stores payments made together (setting their ids), marks their orders
// (orders[i] is ps[i]'s, locked) PAID, in the database and in orders, schedules each
// escrow's auto-release and records the events: each in one statement for all of them.
// INVALID_STATE for an order that cannot become PAID.
func (s *Service) recordPayments(ctx context.Context, tx Tx, orders []Order, ps []Payment) error {
	if err := tx.InsertPayments(ctx, ps); err != nil {
		return err
	}
	ids := make([]string, len(orders))
	for i, o := range orders {
		if !o.Status.CanBecome(OrderPaid) {
			return Errorf(CodeInvalidState, Field("orderId"), "an order that is %s cannot become %s", o.Status, OrderPaid)
		}
		ids[i] = o.ID
	}
	if err := tx.SetOrdersStatus(ctx, ids, OrderPaid, ps[0].CreatedAt); err != nil {
		return err
	}
	for i := range orders {
		orders[i].Status, orders[i].UpdatedAt = OrderPaid, ps[0].CreatedAt
	}
	jobs := make([]Job, len(ps))
	events := make([]Event, 0, 2*len(ps))
	for i, p := range ps {
		jobs[i] = ReleaseEscrowJob{PaymentID: p.ID, At: p.CreatedAt.Add(s.cfg.EscrowHold)}
		events = append(events, paymentEvent(EventOrderPaid, "Order", p.OrderID, p), paymentEvent(EventPaymentSucceeded, "Payment", p.ID, p))
	}
	if err := tx.EnqueueMany(ctx, jobs); err != nil {
		return err
	}
	return s.emit(ctx, tx, events...)
}

// moveOrder changes a locked order's status along the order state machine; INVALID_STATE
// for a change the machine does not allow.
func moveOrder(ctx context.Context, tx Tx, o Order, to OrderStatus, at time.Time) error {
	if !o.Status.CanBecome(to) {
		return Errorf(CodeInvalidState, Field("orderId"), "an order that is %s cannot become %s", o.Status, to)
	}
	return tx.SetOrderStatus(ctx, o.ID, to, at)
}

// insufficientAsReason reports a lost race for the balance or a link's limit as the
// INSUFFICIENT_BALANCE or LINK_LIMIT_EXCEEDED reason.
func insufficientAsReason(err error) error {
	switch CodeOf(err) {
	case CodeInsufficientBalance:
		return ReasonError(ReasonInsufficientBalance)
	case ReasonLinkLimitExceeded:
		return ReasonError(ReasonLinkLimitExceeded)
	}
	return err
}

// Payment returns a payment within the actor's scope.
func (s *Service) Payment(ctx context.Context, actor Actor, id string) (Payment, error) {
	if err := actor.Can(ActReadPayment); err != nil {
		return Payment{}, err
	}
	return s.store.Queries().Payment(ctx, id, actor.Scope())
}

// PaymentOfOrder returns an order's payment, if it has one (the order is checked for scope).
func (s *Service) PaymentOfOrder(ctx context.Context, actor Actor, orderID string) (Payment, error) {
	if _, err := s.Order(ctx, actor, orderID); err != nil {
		return Payment{}, err
	}
	return s.store.Queries().PaymentByOrder(ctx, orderID)
}

// Payments lists payments within the actor's scope, newest first.
func (s *Service) Payments(ctx context.Context, actor Actor, f PaymentFilter, page Page) (Slice[Payment], error) {
	if err := actor.Can(ActListPayments); err != nil {
		return Slice[Payment]{}, err
	}
	rows, err := s.store.Reports().Payments(ctx, actor.Scope(), f, page)
	return Cut(rows, page), err
}

// PaymentTrail is every ledger line of a payment's money trail: its conversion, the payment,
// its refunds, the escrow release and the payout.
func (s *Service) PaymentTrail(ctx context.Context, actor Actor, paymentID string) ([]PostedEntry, error) {
	p, err := s.Payment(ctx, actor, paymentID)
	if err != nil {
		return nil, err
	}
	q := s.store.Queries()
	refs := []LedgerRef{{LedgerPayment, p.ID}, {LedgerEscrowRelease, p.ID}}
	if p.ConversionID != "" {
		refs = append(refs, LedgerRef{LedgerConversion, p.ConversionID})
	}
	rs, err := q.Refunds(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		refs = append(refs, LedgerRef{LedgerRefund, r.ID})
	}
	if po, err := q.PayoutByPayment(ctx, p.ID); err == nil {
		refs = append(refs, LedgerRef{LedgerPayout, po.ID})
	} else if CodeOf(err) != CodeNotFound {
		return nil, err
	}
	return q.Trail(ctx, refs)
}
