package domain

import "time"

// TradeMode is how a 1688 order is transacted.
type TradeMode string

// OrderStatus is an order's state.
type OrderStatus string

// Order is a 1688 order to be paid in CNY.
type Order struct {
	ID                      string
	PartnerID               string
	ExternalID              string // the order id on the marketplace
	BuyerMemberID           string // the buyer MarketplaceMember's ID
	BuyerMemberExternalID   string // its id on the marketplace
	Supplier                Supplier
	Amount                  Money // CNY
	TradeMode               TradeMode
	ContainsProhibitedItems bool
	RedPacketDiscount       bool
	Status                  OrderStatus
	CreatedAt               time.Time
	UpdatedAt               time.Time
}

// SameContent reports whether two orders carry the same client-given content (used for
// createOrder's idempotency on externalId).
func (o Order) SameContent(p Order) bool {
	return o.BuyerMemberExternalID == p.BuyerMemberExternalID && o.Supplier.ExternalID == p.Supplier.ExternalID &&
		o.Amount.Currency == p.Amount.Currency && o.Amount.Amount.Equal(p.Amount.Amount) && o.TradeMode == p.TradeMode &&
		o.ContainsProhibitedItems == p.ContainsProhibitedItems && o.RedPacketDiscount == p.RedPacketDiscount
}

func validateExternalID(s string, field []string) error {
	if !externalIDSyntax.MatchString(s) {
		return Errorf(CodeInvalidInput, field, "must be 1 to 64 letters, digits or . _ : @ -")
	}
	return nil
}

// CreateOrderInput is what createOrder accepts; Amount is raw client input in CNY.
type CreateOrderInput struct {
	ExternalID              string
	BuyerMemberID           string
	SupplierID              string
	Amount                  AmountInput
	TradeMode               TradeMode
	ContainsProhibitedItems bool
	RedPacketDiscount       bool
}

// Validate checks every field and returns the amount.
func (in CreateOrderInput) Validate() (Money, error) {
	var errs Errors
	add := func(err error) {
		if err != nil {
			errs = append(errs, err.(*Error))
		}
	}
	add(validateExternalID(in.ExternalID, Field("externalId")))
	add(validateExternalID(in.BuyerMemberID, Field("buyerMemberId")))
	add(validateExternalID(in.SupplierID, Field("supplierId")))
	amount, err := ParseAmountIn(in.Amount, CNY, Field("amount"))
	add(err)
	switch in.TradeMode {
	case TradeSecured, TradeDirect, TradeCreditTerm, TradeContract:
	default:
		add(Errorf(CodeInvalidInput, Field("tradeMode"), "is not a trade mode"))
	}
	return amount, errs.Err()
}
