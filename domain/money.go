package domain

import (
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
)

// Money is an exact amount in one currency.
type Money struct {
	Amount   decimal.Decimal
	Currency Currency
}

// String renders m with exactly the currency's minor units, e.g. "1250.00 CNH".
func (m Money) String() string { return FormatAmount(m.Amount, m.Currency) + " " + string(m.Currency) }

// FormatAmount renders an amount with exactly the currency's minor units ("1250.00", "1500").
func FormatAmount(d decimal.Decimal, c Currency) string { return d.StringFixed(c.MinorUnits()) }

// MaxIntegerDigits bounds amounts to below 10^15 units of any currency.
const MaxIntegerDigits = 15

var decimalSyntax = regexp.MustCompile(`^(0|[1-9][0-9]*)(\.[0-9]+)?$`)

// ParseDecimal parses a plain decimal string: digits, an optional fraction, no sign, no
// exponent, no leading zeros, at most MaxIntegerDigits integer digits. Errors are
// INVALID_INPUT naming field.
func ParseDecimal(raw string, field []string) (decimal.Decimal, error) {
	switch {
	case raw == "":
		return decimal.Decimal{}, Errorf(CodeInvalidInput, field, "is required: a decimal string such as \"1250.00\"")
	case strings.HasPrefix(raw, "-"):
		return decimal.Decimal{}, Errorf(CodeInvalidInput, field, "must be greater than zero")
	case !decimalSyntax.MatchString(raw):
		return decimal.Decimal{}, Errorf(CodeInvalidInput, field, "%q is not a plain decimal string such as \"1250.00\" (no sign, exponent or spaces)", clip(raw))
	}
	intPart, _, _ := strings.Cut(raw, ".")
	if len(intPart) > MaxIntegerDigits {
		return decimal.Decimal{}, Errorf(CodeInvalidInput, field, "is too large: at most %d digits before the decimal point", MaxIntegerDigits)
	}
	if len(raw) > MaxIntegerDigits+1+18 {
		return decimal.Decimal{}, Errorf(CodeInvalidInput, field, "has too many decimal places")
	}
	d, err := decimal.NewFromString(raw)
	if err != nil {
		return decimal.Decimal{}, Errorf(CodeInvalidInput, field, "%q is not a decimal", clip(raw))
	}
	return d, nil
}

// ParseAmount parses a positive amount of currency c: ParseDecimal's rules, greater than zero,
// and no more decimal places than c's minor unit ("1.005" USD and "1.5" JPY are refused).
func ParseAmount(raw string, c Currency, field []string) (Money, error) {
	d, err := ParseDecimal(raw, field)
	if err != nil {
		return Money{}, err
	}
	if d.Sign() <= 0 {
		return Money{}, Errorf(CodeInvalidInput, field, "must be greater than zero")
	}
	if -d.Exponent() > c.MinorUnits() {
		return Money{}, Errorf(CodeInvalidInput, field, "%s takes at most %d decimal places", c, c.MinorUnits())
	}
	return Money{Amount: d, Currency: c}, nil
}

// AmountInput is an amount as a client gave it: raw decimal text and a currency code.
type AmountInput struct {
	Amount   string
	Currency string
}

// ParseAmountIn parses an amount that must be in currency c. INVALID_INPUT naming
// field.currency for another currency, field.amount for a bad amount.
func ParseAmountIn(in AmountInput, c Currency, field []string) (Money, error) {
	if in.Currency != string(c) {
		return Money{}, Errorf(CodeInvalidInput, append(field[:len(field):len(field)], "currency"), "must be %s", c)
	}
	return ParseAmount(in.Amount, c, append(field[:len(field):len(field)], "amount"))
}

// RoundHalfUp rounds to places decimals, halves away from zero (fees: 0.005 → 0.01).
func RoundHalfUp(d decimal.Decimal, places int32) decimal.Decimal { return d.Round(places) }

// RoundDown rounds toward zero (what a customer receives).
func RoundDown(d decimal.Decimal, places int32) decimal.Decimal { return d.RoundDown(places) }

// RoundUp rounds away from zero (what a customer pays).
func RoundUp(d decimal.Decimal, places int32) decimal.Decimal { return d.RoundUp(places) }

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
