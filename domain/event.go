package domain

import (
	"encoding/base64"
	"time"
)

// Event types: every state change worth telling partners and frontends about.
const (
	EventAccountVerified = "account.verified"
	EventLinkCreated     = "link.created"
	EventLinkUnlinked    = "link.unlinked"
	// EventLinkConfirmationRequested goes to the partner alone (never the account): it carries
	// the code the partner delivers to its member.
	EventLinkConfirmationRequested = "link.confirmation_requested"
	EventConversionBooked          = "conversion.booked"
	EventConversionSettled         = "conversion.settled"
	EventOrderCreated              = "order.created"
	EventOrderPaid                 = "order.paid"
	EventOrderCompleted            = "order.completed"
	EventOrderRefunded             = "order.refunded"
	EventOrderCancelled            = "order.cancelled"
	EventPaymentSucceeded          = "payment.succeeded"
	EventRefundSucceeded           = "refund.succeeded"
	EventPayoutSubmitted           = "payout.submitted"
	EventPayoutPaid                = "payout.paid"
	EventPayoutFailed              = "payout.failed"
	EventFeeStatementCreated       = "fee_statement.created"
	EventReconciliationBreak       = "reconciliation.break"
)

// EventTypes lists every type, for validation.
var EventTypes = []string{EventAccountVerified, EventLinkCreated, EventLinkUnlinked, EventLinkConfirmationRequested, EventConversionBooked, EventConversionSettled,
	EventOrderCreated, EventOrderPaid, EventOrderCompleted, EventOrderRefunded, EventOrderCancelled, EventPaymentSucceeded,
	EventRefundSucceeded, EventPayoutSubmitted, EventPayoutPaid, EventPayoutFailed, EventFeeStatementCreated,
	EventReconciliationBreak}

// Event records one state change, written in the same transaction as the change. It belongs
// to an account and/or a partner (who may see it) and names the object it is about.
type Event struct {
	ID         string
	Type       string
	OccurredAt time.Time
	AccountID  string
	PartnerID  string
	ObjectType string // the object's public type name: Payment, Order, Payout…
	ObjectID   string // the object's raw id
	PaymentID  string // the payment it concerns, if any (paymentUpdated follows it)
	Cursor     string // its position in the events feed (set when read from the feed)
	LinkCode   string // link.confirmation_requested only: the code for the member
}

// GlobalID is an object's public id: opaque, carrying its type. The API and webhooks both
// show these.
func GlobalID(typ, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id))
}

// ValidateEventTypes checks a list of event types (an empty list means all).
func ValidateEventTypes(types []string, field []string) error {
	known := map[string]bool{}
	for _, t := range EventTypes {
		known[t] = true
	}
	for _, t := range types {
		if !known[t] {
			return Errorf(CodeInvalidInput, field, "%q is not an event type", clip(t))
		}
	}
	return nil
}

// EventMatches reports whether typ is among types (an empty list matches all).
func EventMatches(types []string, typ string) bool {
	if len(types) == 0 {
		return true
	}
	for _, t := range types {
		if t == typ {
			return true
		}
	}
	return false
}

// EventRetention is how long events are kept at least.
const EventRetention = 90 * 24 * time.Hour
