package domain

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// PaymentMethod is how an order is paid.
type PaymentMethod string

const (
	MethodWorldPay          PaymentMethod = "WORLD_PAY"          // Cross-border Pay: CNH auto-debit
	MethodWorldFirstBalance PaymentMethod = "WORLDFIRST_BALANCE" // a foreign-currency balance, converted
	MethodCard              PaymentMethod = "CARD"               // the marketplace's card checkout
	MethodAlipay            PaymentMethod = "ALIPAY"             // the marketplace's Alipay checkout
)

// Handler is who takes a payment method.
type Handler string

const (
	HandledByWorldFirst  Handler = "WORLDFIRST"
	HandledByMarketplace Handler = "MARKETPLACE"
)

// PaymentSituation is everything that decides whether and how an order can be paid.
type PaymentSituation struct {
	Order          Order
	Member         MarketplaceMember
	Link           *MarketplaceLink // the buyer member's active link
	Account        *Account         // the linked account
	Balances       map[Currency]decimal.Decimal
	PayCurrency    Currency // for WORLDFIRST_BALANCE
	BuyerIPCountry string
	Schedule       FeeSchedule
	// PayRate is units of CNH per 1 PayCurrency at the customer rate (zero: unavailable).
	PayRate decimal.Decimal
	// Funding is how a WORLD_PAY CNH shortfall may be converted (auto-convert or a quote).
	Funding AutoFunding
	// Compare prices the options in the buyer's currency.
	Compare Comparison
	// LinkSpent is what the link has spent today and this month (read only when it has limits).
	LinkSpent LinkSpent
}

// PaymentOption is one method's answer: available or why not, and what it would cost.
type PaymentOption struct {
	Method    PaymentMethod
	Available bool
	Reasons   []ErrorCode
	HandledBy Handler
	Fees      []FeeLine
	Total     *Money // what the buyer pays, in the currency it is taken from
	// Conversion is the shortfall's conversion a WORLD_PAY payment would book (nil: none).
	Conversion *PlannedConversion
	// SettlesIn is how long the method typically takes to complete the payment.
	SettlesIn time.Duration
	// LandedCost is what the method costs in the buyer's comparison currency, fees and FX
	// spread included (nil: unknown); SavingVersusCard is the card's landed cost less it.
	LandedCost, SavingVersusCard *Money
}

// serviceRate is the linked account's rate for this month, or the top tier without one.
func (p PaymentSituation) serviceRate() decimal.Decimal {
	if p.Account != nil {
		return p.Account.ServiceFeeRate
	}
	return p.Schedule.ServiceTiers[0].Rate
}

// WorldPayFees are the STANDARD and SERVICE lines on the order amount, in CNH.
func (p PaymentSituation) WorldPayFees() []FeeLine {
	return []FeeLine{
		Fee(FeeStandard, p.Schedule.StandardRate, p.Order.Amount, CNH),
		Fee(FeeService, p.serviceRate(), p.Order.Amount, CNH),
	}
}

// WorldFirstDebit is what paying from PayCurrency takes: the CNH amount bought at PayRate,
// the customer's side rounded up.
func (p PaymentSituation) WorldFirstDebit() Money {
	return PriceBuy(Money{Amount: p.Order.Amount.Amount, Currency: CNH}, p.PayCurrency, p.PayRate)
}

func (p PaymentSituation) linkReasons(needActive bool) []ErrorCode {
	var rs []ErrorCode
	switch {
	case p.Link == nil:
		rs = append(rs, ReasonMemberNotLinked)
		if needActive {
			rs = append(rs, ReasonCrossBorderPayNotActive)
		}
	case needActive && !p.Link.CrossBorderPayActive:
		rs = append(rs, ReasonCrossBorderPayNotActive)
	}
	if p.Account != nil && p.Account.KycStatus != KycVerified {
		rs = append(rs, ReasonKycNotVerified)
	}
	return rs
}

// Eligible is payOrder's refusal for method: nil when the option is available, otherwise one
// user error per reason, exactly the reasons Options gives.
func (p PaymentSituation) Eligible(method PaymentMethod) error {
	opt := p.Option(method)
	if opt.Available {
		return nil
	}
	var es Errors
	for _, r := range opt.Reasons {
		es = append(es, ReasonError(r))
	}
	return es
}

// Options evaluates every method for this order paid on its own: a checkout of one order
// (Checkout.Options), with the checkout's reasons folded into the order's. payOrder refuses
// with exactly the reasons Options gives for the method.
func (p PaymentSituation) Options() []PaymentOption {
	cos := Checkout{p}.Options()
	out := make([]PaymentOption, len(cos))
	for i, co := range cos {
		o := co.Orders[0]
		// An order that is not awaiting payment has that one reason: nothing else matters.
		if !slices.Contains(o.Reasons, ReasonOrderNotPayable) {
			o.Reasons = append(o.Reasons, co.Reasons...)
			o.Conversion = co.Conversion
		}
		o.Available = len(o.Reasons) == 0
		out[i] = o
	}
	return out
}

// orderOptions evaluates every method for the order on its own terms: everything but what
// the balance can cover, which Checkout.Options decides for all the orders paid together. It
// is the only place the per-order payment rules live.
func (p PaymentSituation) orderOptions() []orderOption {
	o := p.Order
	payable := o.Status.CanBecome(OrderPaid)
	// An order that is not awaiting payment has that one reason: nothing else matters.
	notPayable := func(rs []ErrorCode) []ErrorCode {
		if !payable {
			return []ErrorCode{ReasonOrderNotPayable}
		}
		return rs
	}

	// WORLD_PAY: Cross-border Pay (FAQ 10, 11).
	var wp []ErrorCode
	switch o.TradeMode {
	case TradeDirect:
		wp = append(wp, ReasonNotSecuredTransaction)
	case TradeCreditTerm, TradeContract:
		wp = append(wp, ReasonCreditTermOrContract)
	}
	if o.ContainsProhibitedItems {
		wp = append(wp, ReasonProhibitedItems)
	}
	if o.RedPacketDiscount {
		wp = append(wp, ReasonRedPacketDiscount)
	}
	if !p.Member.MainlandAlipayLinked {
		wp = append(wp, ReasonNotLinkedToMainlandAlipay)
	}
	wp = append(wp, p.linkReasons(true)...)
	if !o.Supplier.AcceptsCrossBorderPay {
		wp = append(wp, ReasonSupplierNotAccepting)
	}
	wpFees := p.WorldPayFees()
	wpTotal := Money{Amount: o.Amount.Amount.Add(SumFees(wpFees, CNH).Amount), Currency: CNH}
	wp = notPayable(wp)

	// WORLDFIRST_BALANCE: the payment guide's "paying in foreign currencies".
	var wf []ErrorCode
	if o.Amount.Amount.LessThan(p.Schedule.WorldFirstBalanceMinimum.Amount) {
		wf = append(wf, ReasonBelowMinimumOrder)
	}
	if p.BuyerIPCountry == "CN" {
		wf = append(wf, ReasonMainlandChinaIP)
	}
	wf = append(wf, p.linkReasons(false)...)
	var wfTotal *Money
	if p.PayCurrency != "" {
		if p.PayRate.Sign() <= 0 {
			wf = append(wf, ReasonRateUnavailable)
		} else {
			debit := p.WorldFirstDebit()
			wfTotal = &debit
		}
	}
	wf = notPayable(wf)

	// CARD and ALIPAY are the marketplace's own checkout.
	card := Fee(FeeCard, p.Schedule.CardRate, o.Amount, CNY)
	cardTotal := Money{Amount: o.Amount.Amount.Add(card.Amount.Amount), Currency: CNY}
	var ali []ErrorCode
	if !p.Member.MainlandAlipayLinked {
		ali = append(ali, ReasonNotLinkedToMainlandAlipay)
	}
	ali = notPayable(ali)
	orderTotal := o.Amount

	// A bank transfer goes through the marketplace, slowly, with intermediary charges no one
	// can know beforehand: no fee and no total are shown for it.
	bank := PaymentOption{Method: MethodBankTransfer, Reasons: notPayable(nil), HandledBy: HandledByMarketplace}
	bank.Available = len(bank.Reasons) == 0
	// Only WorldFirst's methods are taken from the buyer's balance.
	opts := []orderOption{
		{PaymentOption{Method: MethodWorldPay, Available: len(wp) == 0, Reasons: wp, HandledBy: HandledByWorldFirst, Fees: wpFees, Total: &wpTotal}, true},
		{PaymentOption{Method: MethodWorldFirstBalance, Available: len(wf) == 0, Reasons: wf, HandledBy: HandledByWorldFirst, Total: wfTotal}, true},
		{PaymentOption{Method: MethodCard, Available: payable, Reasons: notPayable(nil), HandledBy: HandledByMarketplace, Fees: []FeeLine{card}, Total: &cardTotal}, false},
		{PaymentOption{Method: MethodAlipay, Available: len(ali) == 0, Reasons: ali, HandledBy: HandledByMarketplace, Total: &orderTotal}, false},
		{bank, false},
	}
	p.compare(opts)
	return opts
}

// Option returns the evaluation of one method.
func (p PaymentSituation) Option(m PaymentMethod) PaymentOption {
	for _, o := range p.Options() {
		if o.Method == m {
			return o
		}
	}
	return PaymentOption{Method: m}
}

// PaymentStatus is where a payment stands.
type PaymentStatus string

const (
	PaymentSucceeded         PaymentStatus = "SUCCEEDED"
	PaymentPartiallyRefunded PaymentStatus = "PARTIALLY_REFUNDED"
	PaymentRefunded          PaymentStatus = "REFUNDED"
)

// EscrowStatus is where a payment's money stands.
type EscrowStatus string

const (
	EscrowHeld     EscrowStatus = "HELD"
	EscrowReleased EscrowStatus = "RELEASED"
	EscrowRefunded EscrowStatus = "REFUNDED"
)

// Payment is a paid order: the money sits in escrow until receipt is confirmed (or the hold
// ends), then is paid out to the supplier in CNY.
type Payment struct {
	ID             string
	OrderID        string
	PartnerID      string
	AccountID      string
	LinkID         string // the buyer member's link the payment counts against
	SupplierID     string // the supplier's row id
	Method         PaymentMethod
	Status         PaymentStatus
	Amount         Money // the order amount, CNY
	Fees           []FeeLine
	Debited        Money // what left the buyer's balance
	FXRate         *decimal.Decimal
	ConversionID   string
	EscrowStatus   EscrowStatus
	RefundedAmount decimal.Decimal // CNY refunded so far
	RefundedFees   decimal.Decimal
	CreditedBack   decimal.Decimal // in Debited's currency
	CreatedAt      time.Time
	ReleasedAt     *time.Time
}

// TotalFees is the sum of the fee lines, in CNH.
func (p Payment) TotalFees() Money { return SumFees(p.Fees, CNH) }

// RefundedStandardFee is the standard fee line's share of the fees p's refunds gave back:
// the refunded fees pro rata to the standard fee's part of both fee lines, rounded half-up to
// the fen; the rest of them was service fee. The store keeps it with the payment, and a
// month's fee statement adds it up.
func (p Payment) RefundedStandardFee() decimal.Decimal {
	var standard, service decimal.Decimal
	for _, f := range p.Fees {
		switch f.Kind {
		case FeeStandard:
			standard = f.Amount.Amount
		case FeeService:
			service = f.Amount.Amount
		}
	}
	total := standard.Add(service)
	if p.RefundedFees.Sign() <= 0 || total.Sign() <= 0 {
		return decimal.Zero
	}
	return RoundHalfUp(p.RefundedFees.Mul(standard).DivRound(total, 16), 2)
}

// Remaining is the order amount still in escrow.
func (p Payment) Remaining() decimal.Decimal { return p.Amount.Amount.Sub(p.RefundedAmount) }

// Ledger kinds of the payment flow.
const (
	LedgerPayment       LedgerKind = "PAYMENT"
	LedgerEscrowRelease LedgerKind = "ESCROW_RELEASE"
	LedgerPayout        LedgerKind = "PAYOUT"
	LedgerRefund        LedgerKind = "REFUND"
)

// PaymentLedger moves the debit from the buyer's CNH into escrow (the order amount) and fee
// revenue (the fees).
func PaymentLedger(p Payment) (LedgerTx, error) {
	fees := p.TotalFees()
	entries := []Entry{
		{Book: BookCustomer, AccountID: p.AccountID, Amount: Money{Amount: p.Amount.Amount.Add(fees.Amount).Neg(), Currency: CNH}},
		{Book: BookEscrow, Amount: Money{Amount: p.Amount.Amount, Currency: CNH}},
	}
	if fees.Amount.Sign() > 0 {
		entries = append(entries, Entry{Book: BookFeeRevenue, Amount: fees})
	}
	return NewLedgerTx(LedgerPayment, p.ID, p.CreatedAt, entries...)
}

// PaymentFilter narrows a payments listing.
type PaymentFilter struct {
	Status    PaymentStatus
	Method    PaymentMethod
	AccountID string
	From, To  time.Time
}

// PostedEntry is one ledger line as posted, for a payment's money trail.
type PostedEntry struct {
	ID        string
	Kind      LedgerKind
	Reference string
	Book      Book
	AccountID string
	Amount    Money
	CreatedAt time.Time
}
