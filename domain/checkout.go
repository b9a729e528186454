package domain

import (
	"slices"
)

// MaxCheckoutOrders is how many orders one checkout pays at most (1688's own cross-border
// pay link takes up to 30).
const MaxCheckoutOrders = 30

// Checkout is a set of orders paid together from one account: each order's situation, in the
// order the buyer listed them. The orders may come from different suppliers and from
// different members linked to the same account.
type Checkout []PaymentSituation

// CheckoutOption is one method's answer for a checkout: each order's own option (its fees,
// its total and the reasons that belong to it) and the reasons that belong to the checkout as
// a whole (the balance cannot cover the total).
type CheckoutOption struct {
	Method    PaymentMethod
	Available bool
	Reasons   []ErrorCode // the checkout's own: INSUFFICIENT_BALANCE
	HandledBy Handler
	Orders    []PaymentOption // one per order, in the checkout's order
	Total     *Money          // the sum of the orders' totals; null when one of them is
	// Conversion is the CNH shortfall's conversion WORLD_PAY would book (nil: none needed).
	Conversion *PlannedConversion
	// LandedCost and SavingVersusCard are the orders' own, summed (nil when one is unknown).
	LandedCost, SavingVersusCard *Money
}

// orderOption is one method's answer for one order before the balance is considered.
type orderOption struct {
	PaymentOption
	FromBalance bool // the method is taken from the buyer's KJB balance
}

// account is the checkout's paying account: the first order's linked account (nil when none
// is linked).
func (c Checkout) account() *Account {
	for _, s := range c {
		if s.Account != nil {
			return s.Account
		}
	}
	return nil
}

// SameAccount refuses a checkout whose orders are bought by members linked to different
// accounts: INVALID_INPUT naming the first such order, orderIds[i].
func (c Checkout) SameAccount() error {
	a := c.account()
	for i, s := range c {
		if a != nil && s.Account != nil && s.Account.ID != a.ID {
			return Errorf(CodeInvalidInput, orderIDField(i),
				"is bought by a member linked to another account than the other orders")
		}
	}
	return nil
}

// Options evaluates every method for the orders paid together. Each order keeps its own
// rules, fees and rounding (so together costs exactly what separately would); the balance
// must cover the sum of the orders' totals, and each link's spending limits the sum of its
// orders' amounts (LINK_LIMIT_EXCEEDED on every order of a link that would pass one). This and PaymentSituation.orderOptions are the
// only place the payment rules live: payOrder and payOrders refuse with exactly these reasons.
func (c Checkout) Options() []CheckoutOption {
	if len(c) == 0 {
		return nil
	}
	per := make([][]orderOption, len(c))
	for i, s := range c {
		per[i] = s.orderOptions()
	}
	out := make([]CheckoutOption, len(per[0]))
	for m := range per[0] {
		first := per[0][m]
		co := CheckoutOption{Method: first.Method, HandledBy: first.HandledBy, Available: true, Orders: make([]PaymentOption, len(c))}
		totals := make([]*Money, len(c))
		for i := range c {
			o := per[i][m]
			co.Orders[i] = o.PaymentOption
			co.Available = co.Available && o.Available
			totals[i] = o.Total
		}
		co.Total = sumMoney(totals)
		if a := c.account(); first.FromBalance && a != nil && co.Total != nil && c[0].Balances[co.Total.Currency].LessThan(co.Total.Amount) {
			if co.Method == MethodWorldPay {
				// Cross-border Pay may buy the shortfall (auto-convert or a locked quote).
				var rs []ErrorCode
				co.Conversion, rs = c[0].Funding.cover(*co.Total, c[0].Balances)
				co.Reasons = append(co.Reasons, rs...)
			} else {
				co.Reasons = append(co.Reasons, ReasonInsufficientBalance)
			}
		}
		if first.FromBalance {
			payable := make([]bool, len(c))
			for i, o := range co.Orders {
				payable[i] = !slices.Contains(o.Reasons, ReasonOrderNotPayable)
			}
			for i, over := range c.overLinkLimit(payable) {
				if over {
					co.Orders[i].Reasons = append(co.Orders[i].Reasons, ReasonLinkLimitExceeded)
					co.Orders[i].Available, co.Available = false, false
				}
			}
		}
		co.Available = co.Available && len(co.Reasons) == 0
		landed, saving := make([]*Money, len(c)), make([]*Money, len(c))
		for i, o := range co.Orders {
			landed[i], saving[i] = o.LandedCost, o.SavingVersusCard
		}
		co.LandedCost, co.SavingVersusCard = sumMoney(landed), sumMoney(saving)
		out[m] = co
	}
	return out
}

// Option returns the checkout's evaluation of one method.
func (c Checkout) Option(m PaymentMethod) CheckoutOption {
	opts := c.Options()
	if i := slices.IndexFunc(opts, func(o CheckoutOption) bool { return o.Method == m }); i >= 0 {
		return opts[i]
	}
	return CheckoutOption{Method: m}
}

// Eligible is payOrders' refusal for method: nil when the option is available, otherwise one
// user error per reason, exactly the reasons Options gives: an order's reasons name it
// (orderIds[i]), the checkout's own name orderIds.
func (c Checkout) Eligible(method PaymentMethod) error {
	opt := c.Option(method)
	if opt.Available {
		return nil
	}
	var es Errors
	for i, o := range opt.Orders {
		for _, r := range o.Reasons {
			es = append(es, reasonAt(r, orderIDField(i)))
		}
	}
	for _, r := range opt.Reasons {
		es = append(es, checkoutReason(r))
	}
	return es
}
