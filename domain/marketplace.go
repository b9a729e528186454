package domain

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// MarketplaceMember is a 1688 buyer account as its marketplace reports it.
type MarketplaceMember struct {
	ID                        string
	PartnerID                 string
	MemberID                  string
	Type                      AccountType
	AlipayVerified            bool
	Authorized                bool
	MainlandAlipayLinked      bool
	AlipayInternationalLinked bool
	UpdatedAt                 time.Time
}

// Supplier is a 1688 seller, paid in CNY.
type Supplier struct {
	ID                    string
	PartnerID             string
	SupplierID            string
	Name                  string
	AcceptsCrossBorderPay bool
	PayoutAccount         string // never shown: see MaskedPayoutAccount
	UpdatedAt             time.Time
}

// MaskedPayoutAccount shows only the last four characters, e.g. "****0002".
func (s Supplier) MaskedPayoutAccount() string { return MaskAccount(s.PayoutAccount) }

// MaskAccount hides all but the last four characters of an account number.
func MaskAccount(n string) string {
	if len(n) <= 4 {
		return "****"
	}
	return "****" + n[len(n)-4:]
}

// LinkStatus is the state of a link between a KJB account and a marketplace member.
type LinkStatus string

const (
	LinkActive   LinkStatus = "ACTIVE"
	LinkUnlinked LinkStatus = "UNLINKED"
)

// MarketplaceLink binds a marketplace member to a KJB account. A member has at most one
// ACTIVE link; unlinked ones are kept as history.
type MarketplaceLink struct {
	ID                   string
	AccountID            string
	PartnerID            string
	Platform             string // the partner's code, e.g. "1688"
	MemberRowID          string
	MemberID             string
	Nickname             string
	Status               LinkStatus
	CrossBorderPayActive bool
	CreatedAt            time.Time
	UnlinkedAt           *time.Time
}

// Link-rule error codes (FAQ 7–9).
const (
	CodeAlreadyLinked             ErrorCode = "ALREADY_LINKED"
	CodeAlipayInternationalLinked ErrorCode = "ALIPAY_INTERNATIONAL_LINKED"
	CodeMemberNotAlipayVerified   ErrorCode = "MEMBER_NOT_ALIPAY_VERIFIED"
	CodeMemberNotAuthorized       ErrorCode = "MEMBER_NOT_AUTHORIZED"
	CodeKycNotVerified            ErrorCode = "KYC_NOT_VERIFIED"
)

// LinkEligibility lists every reason a member cannot be linked (empty: it can). The active
// link rule (ALREADY_LINKED) is enforced by the store, because only it can see races.
func LinkEligibility(m MarketplaceMember) Errors {
	var errs Errors
	if m.AlipayInternationalLinked {
		errs = append(errs, Errorf(CodeAlipayInternationalLinked, Field("memberId"),
			"this 1688 account is still bound to Alipay International: unbind it there, then link it here"))
	}
	if !m.AlipayVerified {
		errs = append(errs, Errorf(CodeMemberNotAlipayVerified, Field("memberId"),
			"this 1688 account has not completed Alipay identity verification"))
	}
	if !m.Authorized {
		errs = append(errs, Errorf(CodeMemberNotAuthorized, Field("memberId"),
			"this overseas 1688 account has not been authorized"))
	}
	return errs
}

// TradeMode is how a 1688 order is transacted.
type TradeMode string

const (
	TradeSecured    TradeMode = "SECURED_TRANSACTION"
	TradeDirect     TradeMode = "DIRECT"
	TradeCreditTerm TradeMode = "CREDIT_TERM"
	TradeContract   TradeMode = "CONTRACT"
)

// OrderStatus is an order's state.
type OrderStatus string

const (
	OrderAwaitingPayment   OrderStatus = "AWAITING_PAYMENT"
	OrderPaid              OrderStatus = "PAID"
	OrderCompleted         OrderStatus = "COMPLETED"
	OrderPartiallyRefunded OrderStatus = "PARTIALLY_REFUNDED"
	OrderRefunded          OrderStatus = "REFUNDED"
	OrderCancelled         OrderStatus = "CANCELLED"
)

// Order is a 1688 order to be paid in CNY.
type Order struct {
	ID                      string
	PartnerID               string
	ExternalID              string
	BuyerMemberRowID        string
	BuyerMemberID           string
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
	return o.BuyerMemberID == p.BuyerMemberID && o.Supplier.SupplierID == p.Supplier.SupplierID &&
		o.Amount.Currency == p.Amount.Currency && o.Amount.Amount.Equal(p.Amount.Amount) && o.TradeMode == p.TradeMode &&
		o.ContainsProhibitedItems == p.ContainsProhibitedItems && o.RedPacketDiscount == p.RedPacketDiscount
}

var (
	externalIDSyntax    = regexp.MustCompile(`^[A-Za-z0-9._:@-]{1,64}$`)
	payoutAccountSyntax = regexp.MustCompile(`^[A-Za-z0-9@._+-]{4,64}$`)
)

func validateExternalID(s string, field []string) error {
	if !externalIDSyntax.MatchString(s) {
		return Errorf(CodeInvalidInput, field, "must be 1 to 64 letters, digits or . _ : @ -")
	}
	return nil
}

func validateName(s string, field []string) (string, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n == 0 || n > 200 {
		return "", Errorf(CodeInvalidInput, field, "must be 1 to 200 characters")
	}
	return s, nil
}

// UpsertMemberInput is what upsertMarketplaceMember accepts.
type UpsertMemberInput struct {
	MemberID                  string
	Type                      AccountType
	AlipayVerified            bool
	Authorized                bool
	MainlandAlipayLinked      bool
	AlipayInternationalLinked bool
}

// UpsertSupplierInput is what upsertSupplier accepts.
type UpsertSupplierInput struct {
	SupplierID            string
	Name                  string
	AcceptsCrossBorderPay bool
	PayoutAccount         string
}

// LinkInput is what linkMarketplaceAccount accepts.
type LinkInput struct {
	AccountID string
	Platform  string
	MemberID  string
	Nickname  string
}

// CreateOrderInput is what createOrder accepts; Amount is raw client input in CNY.
type CreateOrderInput struct {
	ExternalID              string
	BuyerMemberID           string
	SupplierID              string
	Amount                  string
	Currency                string
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
	var amount Money
	if in.Currency != string(CNY) {
		add(Errorf(CodeInvalidInput, Field("amount", "currency"), "1688 orders are in CNY"))
	} else {
		var err error
		amount, err = ParseAmount(in.Amount, CNY, Field("amount", "amount"))
		add(err)
	}
	switch in.TradeMode {
	case TradeSecured, TradeDirect, TradeCreditTerm, TradeContract:
	default:
		add(Errorf(CodeInvalidInput, Field("tradeMode"), "is not a trade mode"))
	}
	return amount, errs.Err()
}
