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
	ExternalID                string // the member id on the marketplace (1688 memberId)
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
	ExternalID            string // the supplier id on the marketplace (1688 supplierId)
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

const (
	TradeSecured    TradeMode = "SECURED_TRANSACTION"
	TradeDirect     TradeMode = "DIRECT"
	TradeCreditTerm TradeMode = "CREDIT_TERM"
	TradeContract   TradeMode = "CONTRACT"
)

const (
	OrderAwaitingPayment   OrderStatus = "AWAITING_PAYMENT"
	OrderPaid              OrderStatus = "PAID"
	OrderCompleted         OrderStatus = "COMPLETED"
	OrderPartiallyRefunded OrderStatus = "PARTIALLY_REFUNDED"
	OrderRefunded          OrderStatus = "REFUNDED"
	OrderCancelled         OrderStatus = "CANCELLED"
)

var (
	externalIDSyntax    = regexp.MustCompile(`^[A-Za-z0-9._:@-]{1,64}$`)
	payoutAccountSyntax = regexp.MustCompile(`^[A-Za-z0-9@._+-]{4,64}$`)
)

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
