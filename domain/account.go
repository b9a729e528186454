package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// AccountType is a KJB account's legal form.
type AccountType string

const (
	AccountCorporate AccountType = "CORPORATE"
	AccountPersonal  AccountType = "PERSONAL"
)

// KycStatus is where an account stands in identity verification.
type KycStatus string

const (
	KycPending  KycStatus = "PENDING"
	KycVerified KycStatus = "VERIFIED"
	KycRejected KycStatus = "REJECTED"
)

// KycDecision is an operator's verdict on an account's verification.
type KycDecision string

const (
	KycApprove KycDecision = "APPROVE"
	KycReject  KycDecision = "REJECT"
)

// DefaultServiceFeeRate is the top service-fee tier (0.20%), paid by accounts without history.
var DefaultServiceFeeRate = decimal.RequireFromString("0.002")

// Account is an overseas business's multi-currency KJB account.
type Account struct {
	ID                   string
	Name                 string
	Type                 AccountType
	Country              string
	KycStatus            KycStatus
	KycNote              string
	CrossBorderPayActive bool
	ServiceFeeRate       decimal.Decimal
	CreatedAt            time.Time
}

// Balance is what an account holds in one currency.
type Balance struct {
	AccountID string
	Available Money
}

// CreateAccountInput is what createAccount accepts.
type CreateAccountInput struct {
	Name    string
	Type    AccountType
	Country string
}

// Validate checks the input and returns it normalized. INVALID_INPUT names the field.
func (in CreateAccountInput) Validate() (CreateAccountInput, error) {
	var errs Errors
	in.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(in.Name); n == 0 || n > 200 {
		errs = append(errs, Errorf(CodeInvalidInput, Field("name"), "must be 1 to 200 characters"))
	}
	if in.Type != AccountCorporate && in.Type != AccountPersonal {
		errs = append(errs, Errorf(CodeInvalidInput, Field("type"), "must be CORPORATE or PERSONAL"))
	}
	if !IsCountryCode(in.Country) {
		errs = append(errs, Errorf(CodeInvalidInput, Field("country"), "%q is not an ISO 3166-1 alpha-2 country code", clip(in.Country)))
	}
	return in, errs.Err()
}

// ReviewKycInput is what reviewKyc accepts.
type ReviewKycInput struct {
	AccountID string
	Decision  KycDecision
	Note      string
}

// NextKycStatus applies a decision to the current status. A repeated decision is a no-op;
// a VERIFIED account cannot be rejected by review (INVALID_STATE), a REJECTED one may be
// approved after new documents.
func NextKycStatus(current KycStatus, d KycDecision) (KycStatus, error) {
	switch d {
	case KycApprove:
		return KycVerified, nil
	case KycReject:
		if current == KycVerified {
			return "", Errorf(CodeInvalidState, Field("decision"), "a verified account cannot be rejected by review")
		}
		return KycRejected, nil
	}
	return "", Errorf(CodeInvalidInput, Field("decision"), "must be APPROVE or REJECT")
}
