package domain

import (
	"time"

	"github.com/shopspring/decimal"
)

// MethodBankTransfer is a bank transfer through the marketplace's checkout: never paid here,
// shown so a buyer can compare it.
const MethodBankTransfer PaymentMethod = "BANK_TRANSFER"

// settlesIn is how long each method typically takes to complete an order's payment: the
// payment guide's "within minutes" for World Pay, a WorldFirst balance, cards and Alipay; a
// bank transfer's typical international transfer time.
var settlesIn = map[PaymentMethod]time.Duration{
	MethodWorldPay:          5 * time.Minute,
	MethodWorldFirstBalance: 5 * time.Minute,
	MethodCard:              5 * time.Minute,
	MethodAlipay:            5 * time.Minute,
	MethodBankTransfer:      3 * 24 * time.Hour,
}

// Comparison prices every option in one currency the buyer names: Mid is units of CNH per 1
// Currency (zero: no current rate); Cross-border Pay buys CNH at CrossBorderSpread, a
// WorldFirst balance at StandardSpread; the marketplace's card and Alipay checkouts are
// priced at the mid rate (their own FX margins are not known here).
type Comparison struct {
	Currency                          Currency
	Mid                               decimal.Decimal
	CrossBorderSpread, StandardSpread Spread
}

// cost is what buying cnh CNH costs in the comparison currency at spread: CNH is itself;
// otherwise rounded up to the currency's minor unit; nil without a current rate.
func (c Comparison) cost(cnh decimal.Decimal, spread Spread) *Money {
	if c.Currency == "" || c.Currency == CNH {
		return &Money{Amount: cnh, Currency: CNH}
	}
	if c.Mid.Sign() <= 0 {
		return nil
	}
	m := PriceBuy(Money{Amount: cnh, Currency: CNH}, c.Currency, spread.Apply(c.Mid))
	return &m
}

// landed is what paying o's order with its method costs in the comparison currency, fees and
// FX spread included; nil when it cannot be known (a bank transfer's intermediary charges, a
// WorldFirst balance without payCurrency, no current rate).
func (p PaymentSituation) landed(o PaymentOption) *Money {
	if o.Total == nil {
		return nil
	}
	switch o.Method {
	case MethodWorldPay:
		return p.Compare.cost(o.Total.Amount, p.Compare.CrossBorderSpread)
	case MethodWorldFirstBalance:
		if o.Total.Currency == p.Compare.Currency {
			return o.Total
		}
		return p.Compare.cost(p.Order.Amount.Amount, p.Compare.StandardSpread)
	case MethodCard, MethodAlipay:
		return p.Compare.cost(o.Total.Amount, 0)
	}
	return nil
}

// compare sets each option's settlesIn, landed cost and saving against the card checkout
// (negative when the card is cheaper).
func (p PaymentSituation) compare(opts []orderOption) {
	var card *Money
	for i := range opts {
		o := &opts[i].PaymentOption
		o.SettlesIn = settlesIn[o.Method]
		o.LandedCost = p.landed(*o)
		if o.Method == MethodCard {
			card = o.LandedCost
		}
	}
	for i := range opts {
		o := &opts[i].PaymentOption
		if card != nil && o.LandedCost != nil && o.LandedCost.Currency == card.Currency {
			o.SavingVersusCard = &Money{Amount: card.Amount.Sub(o.LandedCost.Amount), Currency: card.Currency}
		}
	}
}

// sumMoney adds amounts of one currency; nil when any is nil or the currencies differ.
func sumMoney(ms []*Money) *Money {
	if len(ms) == 0 || ms[0] == nil {
		return nil
	}
	out := Money{Amount: decimal.Zero, Currency: ms[0].Currency}
	for _, m := range ms {
		if m == nil || m.Currency != out.Currency {
			return nil
		}
		out.Amount = out.Amount.Add(m.Amount)
	}
	return &out
}

// parseCompareIn reads the currency options are compared in ("" for the default).
func parseCompareIn(raw string) (Currency, error) {
	if raw == "" {
		return "", nil
	}
	return ParseHoldable(raw, Field("compareIn"))
}
