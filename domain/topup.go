package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// TopUp is money that arrived from the buyer's bank into a KJB balance.
type TopUp struct {
	ID        string
	AccountID string
	Amount    Money
	Reference string
	CreatedAt time.Time
}

// TopUpInput is what topUp accepts; Amount and Currency are raw client input.
type TopUpInput struct {
	AccountID string
	Amount    string
	Currency  string
	Reference string
}

// ValidateReference checks a client-chosen reference or idempotency key: 1 to 255
// characters, no control characters.
func ValidateReference(ref string, field []string) (string, error) {
	if n := utf8.RuneCountInString(ref); n == 0 || n > 255 {
		return "", Errorf(CodeInvalidInput, field, "must be 1 to 255 characters")
	}
	if strings.TrimSpace(ref) == "" || strings.ContainsFunc(ref, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", Errorf(CodeInvalidInput, field, "must be printable text")
	}
	if !utf8.ValidString(ref) {
		return "", Errorf(CodeInvalidInput, field, "must be valid UTF-8")
	}
	return ref, nil
}

// ParseHoldable parses a currency an account can hold. INVALID_INPUT for unknown codes and CNY.
func ParseHoldable(code string, field []string) (Currency, error) {
	c, ok := ParseCurrency(code)
	if !ok {
		return "", Errorf(CodeInvalidInput, field, "%q is not a supported currency", clip(code))
	}
	if !c.Holdable() {
		return "", Errorf(CodeInvalidInput, field, "%s cannot be held in a KJB account (supplier payouts only)", c)
	}
	return c, nil
}

// Validate checks every field and returns the parsed amount.
func (in TopUpInput) Validate() (Money, error) {
	var errs Errors
	var amount Money
	cur, err := ParseHoldable(in.Currency, Field("amount", "currency"))
	if err != nil {
		errs = append(errs, err.(*Error))
	} else if amount, err = ParseAmount(in.Amount, cur, Field("amount", "amount")); err != nil {
		errs = append(errs, err.(*Error))
	}
	if _, err := ValidateReference(in.Reference, Field("reference")); err != nil {
		errs = append(errs, err.(*Error))
	}
	return amount, errs.Err()
}
