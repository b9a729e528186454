package graph

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
)

// decodeOrderIDs decodes a checkout's order ids, naming each bad one orderIds[i].
func decodeOrderIDs(gids []string) ([]string, error) {
	ids := make([]string, len(gids))
	var errs domain.Errors
	for i, gid := range gids {
		id, err := decodeID(gid, typeOrder, "orderIds", strconv.Itoa(i))
		if err != nil {
			errs = append(errs, domain.AsErrors(err)...)
		}
		ids[i] = id
	}
	return ids, errs.Err()
}

func toCheckoutOption(o domain.CheckoutOption, orders []domain.Order) *model.CheckoutOption {
	out := &model.CheckoutOption{Method: model.PaymentMethod(o.Method), Available: o.Available, HandledBy: model.Handler(o.HandledBy),
		Reasons: make([]model.PaymentReason, 0, len(o.Reasons)), Orders: make([]*model.CheckoutOrderOption, len(o.Orders))}
	for _, r := range o.Reasons {
		out.Reasons = append(out.Reasons, model.PaymentReason(r))
	}
	for i, po := range o.Orders {
		out.Orders[i] = &model.CheckoutOrderOption{Order: toOrder(orders[i]), Option: toPaymentOption(po)}
	}
	if o.Total != nil {
		out.Total = toMoney(*o.Total)
	}
	out.Conversion = toPlannedConversion(o.Conversion)
	out.LandedCost, out.SavingVersusCard = toMoneyOrNil(o.LandedCost), toMoneyOrNil(o.SavingVersusCard)
	return out
}

// toMoneyOrNil maps an amount that may be unknown.
func toMoneyOrNil(m *domain.Money) *model.Money {
	if m == nil {
		return nil
	}
	return toMoney(*m)
}

// decodeQuoteID decodes an optional quoteId.
func decodeQuoteID(gid *string) (string, error) {
	if gid == nil {
		return "", nil
	}
	return decodeID(*gid, typeQuote, "quoteId")
}

func toAutoConvert(a domain.AutoConvert) *model.AutoConvert {
	return &model.AutoConvert{Currency: model.CurrencyCode(a.Currency), MaxSpreadBps: int(a.MaxSpreadBps)}
}

func toPlannedConversion(c *domain.PlannedConversion) *model.PlannedConversion {
	if c == nil {
		return nil
	}
	return &model.PlannedConversion{Sell: toMoney(c.Sold), Buy: toMoney(c.Bought), Rate: toRate(c.Rate)}
}

// currencyOrEmpty is an optional currency argument, "" when absent.
func currencyOrEmpty(c *model.CurrencyCode) string {
	if c == nil {
		return ""
	}
	return string(*c)
}

// settlesIn writes a duration in ISO 8601: whole days as P3D, shorter ones as PT5M.
func settlesIn(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("P%dD", d/(24*time.Hour))
	}
	return fmt.Sprintf("PT%dM", d/time.Minute)
}
