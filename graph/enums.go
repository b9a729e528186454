package graph

import (
	"strings"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
)

// eventType is the API's name of an event type: "order.paid" is ORDER_PAID,
// "fee_statement.created" FEE_STATEMENT_CREATED.
func eventType(t string) model.EventType {
	return model.EventType(strings.ToUpper(strings.ReplaceAll(t, ".", "_")))
}

// eventTypeNames maps every EventType back to the event type webhooks and the store use.
var eventTypeNames = func() map[model.EventType]string {
	m := make(map[model.EventType]string, len(domain.EventTypes))
	for _, t := range domain.EventTypes {
		m[eventType(t)] = t
	}
	return m
}()

// eventTypeFilter turns a list of EventType values into event types (nil stays nil: all).
func eventTypeFilter(ts []model.EventType) []string {
	if ts == nil {
		return nil
	}
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, eventTypeNames[t])
	}
	return out
}

// eventObjectTypes maps the type name an event records to its EventObjectType.
var eventObjectTypes = map[string]model.EventObjectType{
	typeAccount:      model.EventObjectTypeAccount,
	typeLink:         model.EventObjectTypeMarketplaceLink,
	typeConversion:   model.EventObjectTypeConversion,
	typeOrder:        model.EventObjectTypeOrder,
	typePayment:      model.EventObjectTypePayment,
	typeRefund:       model.EventObjectTypeRefund,
	typePayout:       model.EventObjectTypePayout,
	typeFeeStatement: model.EventObjectTypeFeeStatement,

	typeReconciliationBreak: model.EventObjectTypeReconciliationBreak,
}

// jobState is the API's name of a River job state: "retryable" is RETRYABLE.
func jobState(s string) model.JobState { return model.JobState(strings.ToUpper(s)) }

// jobStateFilter is the River state of a JobState filter ("" for none).
func jobStateFilter(s *model.JobState) string {
	if s == nil {
		return ""
	}
	return strings.ToLower(string(*s))
}

// amountInput is the domain's raw form of a MoneyInput; nil stays nil.
func amountInput(m *model.MoneyInput) *domain.AmountInput {
	if m == nil {
		return nil
	}
	return &domain.AmountInput{Amount: string(m.Amount), Currency: string(m.Currency)}
}
