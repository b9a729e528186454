package domain

import (
	"errors"
	"fmt"
)

// ErrorCode classifies an Error. The values are part of the public API (GraphQL ErrorCode).
type ErrorCode string

const (
	CodeInvalidInput         ErrorCode = "INVALID_INPUT"
	CodeNotFound             ErrorCode = "NOT_FOUND"
	CodeAlreadyExists        ErrorCode = "ALREADY_EXISTS"
	CodeInvalidState         ErrorCode = "INVALID_STATE"
	CodeIdempotencyKeyReused ErrorCode = "IDEMPOTENCY_KEY_REUSED"
	CodeInsufficientBalance  ErrorCode = "INSUFFICIENT_BALANCE"
	CodeUnauthenticated      ErrorCode = "UNAUTHENTICATED"
	CodeForbidden            ErrorCode = "FORBIDDEN"
	CodeRateLimited          ErrorCode = "RATE_LIMITED"
	CodeQueryTooComplex      ErrorCode = "QUERY_TOO_COMPLEX"
	CodeInternal             ErrorCode = "INTERNAL"
)

// Error is the one error type the business rules return. Field names the offending input
// field as a path relative to the operation's input (for example ["amount", "amount"]).
type Error struct {
	Code    ErrorCode
	Message string
	Field   []string
}

func (e *Error) Error() string {
	if len(e.Field) > 0 {
		return fmt.Sprintf("%s: %s (%v)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds an *Error with a formatted message and an optional field path.
func Errorf(code ErrorCode, field []string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Field: field}
}

// Field builds a field path.
func Field(path ...string) []string { return path }

// CodeOf returns the code of err when it is (or wraps) an *Error, and "" otherwise.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// IsUserError reports whether err is nothing but expected business outcomes that belong in a
// mutation's userErrors, as opposed to an authentication failure or an internal fault.
func IsUserError(err error) bool {
	es := AsErrors(err)
	if len(es) == 0 {
		return false
	}
	for _, e := range es {
		switch e.Code {
		case CodeUnauthenticated, CodeForbidden, CodeRateLimited, CodeQueryTooComplex, CodeInternal:
			return false
		}
	}
	return true
}

// Errors collects several user errors found while validating one request.
type Errors []*Error

func (es Errors) Error() string {
	if len(es) == 0 {
		return "no errors"
	}
	msg := es[0].Error()
	if len(es) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(es)-1)
	}
	return msg
}

// Err returns nil when es is empty, the single error when there is one, and es otherwise.
func (es Errors) Err() error {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	return es
}

// AsErrors flattens err into its user errors (one for an *Error, all of an Errors).
func AsErrors(err error) []*Error {
	var many Errors
	if errors.As(err, &many) {
		return many
	}
	var one *Error
	if errors.As(err, &one) {
		return []*Error{one}
	}
	return nil
}

// Unauthenticated is returned when a field needs an API key and none (or a bad one) was given.
var Unauthenticated = &Error{Code: CodeUnauthenticated, Message: "a valid API key is required: send Authorization: Bearer <secret>"}

// Forbidden builds the error for an actor whose role may not perform an action.
func Forbidden(action string) *Error {
	return &Error{Code: CodeForbidden, Message: "your API key may not " + action}
}

// NotFound builds the error for an object that does not exist or belongs to someone else.
func NotFound(what string, field []string) *Error {
	return &Error{Code: CodeNotFound, Message: what + " not found", Field: field}
}

// CodeRateUnavailable is returned when no fresh rate exists for a pair.
const CodeRateUnavailable ErrorCode = "RATE_UNAVAILABLE"

// Link-rule error codes (FAQ 7–9).
const (
	CodeAlreadyLinked             ErrorCode = "ALREADY_LINKED"
	CodeAlipayInternationalLinked ErrorCode = "ALIPAY_INTERNATIONAL_LINKED"
	CodeMemberNotAlipayVerified   ErrorCode = "MEMBER_NOT_ALIPAY_VERIFIED"
	CodeMemberNotAuthorized       ErrorCode = "MEMBER_NOT_AUTHORIZED"
	CodeKycNotVerified            ErrorCode = "KYC_NOT_VERIFIED"
)

// Why a payment method is unavailable (FAQ 10–11, the payment guide). The same codes are
// PaymentOption.reasons and payOrder's user errors.
const (
	ReasonNotSecuredTransaction     ErrorCode = "NOT_SECURED_TRANSACTION"
	ReasonCreditTermOrContract      ErrorCode = "CREDIT_TERM_OR_CONTRACT_ORDER"
	ReasonProhibitedItems           ErrorCode = "PROHIBITED_ITEMS"
	ReasonRedPacketDiscount         ErrorCode = "RED_PACKET_DISCOUNT"
	ReasonMemberNotLinked           ErrorCode = "MEMBER_NOT_LINKED"
	ReasonNotLinkedToMainlandAlipay ErrorCode = "NOT_LINKED_TO_MAINLAND_ALIPAY"
	ReasonCrossBorderPayNotActive   ErrorCode = "CROSS_BORDER_PAY_NOT_ACTIVATED"
	ReasonSupplierNotAccepting      ErrorCode = "SUPPLIER_NOT_ACCEPTING"
	ReasonKycNotVerified            ErrorCode = CodeKycNotVerified
	ReasonInsufficientBalance       ErrorCode = CodeInsufficientBalance
	ReasonBelowMinimumOrder         ErrorCode = "BELOW_MINIMUM_ORDER"
	ReasonMainlandChinaIP           ErrorCode = "MAINLAND_CHINA_IP"
	ReasonOrderNotPayable           ErrorCode = "ORDER_NOT_PAYABLE"
	ReasonRateUnavailable           ErrorCode = CodeRateUnavailable
	ReasonAutoConvertSpreadExceeded ErrorCode = "AUTO_CONVERT_SPREAD_EXCEEDED"
	ReasonLinkLimitExceeded         ErrorCode = "LINK_LIMIT_EXCEEDED"
)

// PaymentReasons lists every reason, in the order the API's PaymentReason enum declares them;
// each is also an ErrorCode value (a test in graph holds both enums to this list).
var PaymentReasons = []ErrorCode{ReasonNotSecuredTransaction, ReasonCreditTermOrContract, ReasonProhibitedItems,
	ReasonRedPacketDiscount, ReasonMemberNotLinked, ReasonNotLinkedToMainlandAlipay, ReasonCrossBorderPayNotActive,
	ReasonSupplierNotAccepting, ReasonKycNotVerified, ReasonInsufficientBalance, ReasonBelowMinimumOrder,
	ReasonMainlandChinaIP, ReasonOrderNotPayable, ReasonRateUnavailable, ReasonAutoConvertSpreadExceeded, ReasonLinkLimitExceeded}

var reasonMessages = map[ErrorCode]string{
	ReasonNotSecuredTransaction:     "Cross-border Pay needs \"Secured transaction\" at checkout",
	ReasonCreditTermOrContract:      "credit-term and contract orders cannot be paid this way",
	ReasonProhibitedItems:           "the order contains prohibited items",
	ReasonRedPacketDiscount:         "Red Packet discounts can only be paid with a bank card linked to Alipay",
	ReasonMemberNotLinked:           "the buyer's 1688 account is not linked to a KJB account",
	ReasonNotLinkedToMainlandAlipay: "the buyer's 1688 account is not linked to an Alipay account registered in mainland China",
	ReasonCrossBorderPayNotActive:   "Cross-border Pay is not activated for the buyer's 1688 account",
	ReasonSupplierNotAccepting:      "the supplier does not accept Cross-border Pay",
	ReasonKycNotVerified:            "the KJB account has not completed identity verification",
	ReasonInsufficientBalance:       "the balance does not cover the order and its fees: top up or convert first",
	ReasonBelowMinimumOrder:         "paying from a WorldFirst balance needs an order of at least CNY 1,000",
	ReasonMainlandChinaIP:           "paying in a foreign currency is not available from a mainland China IP",
	ReasonOrderNotPayable:           "the order is not awaiting payment",
	ReasonRateUnavailable:           "no current exchange rate for the pay currency: try again shortly",
	ReasonAutoConvertSpreadExceeded: "converting the shortfall would take a wider spread than the account's auto-convert allows",
	ReasonLinkLimitExceeded:         "the payment would take the buyer's link past its daily or monthly spending limit",
}

// ReasonError is the user error payOrder returns for one reason.
func ReasonError(r ErrorCode) *Error {
	return reasonAt(r, Field("orderId"))
}

// reasonAt is the user error of reason r naming field.
func reasonAt(r ErrorCode, field []string) *Error {
	return &Error{Code: r, Message: reasonMessages[r], Field: field}
}

// checkoutReason is the user error of reason r that holds for a checkout's orders together.
func checkoutReason(r ErrorCode) *Error {
	e := reasonAt(r, Field("orderIds"))
	e.Message += " for the orders together"
	return e
}

// CodeRefundExceedsPayment is returned for a refund larger than what is left.
const CodeRefundExceedsPayment ErrorCode = "REFUND_EXCEEDS_PAYMENT"

// FX error codes.
const (
	CodeQuoteExpired         ErrorCode = "QUOTE_EXPIRED"
	CodeQuoteAlreadyExecuted ErrorCode = "QUOTE_ALREADY_EXECUTED"
)
