package graph

import (
	"strconv"

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
	return out
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
