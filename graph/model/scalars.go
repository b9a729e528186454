package model

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/kjb/kjb/domain"
)

// Decimal is the text of a Decimal scalar. Input is kept raw so the rules can parse it
// against its currency and name the field; output is always a JSON string.
type Decimal string

// MarshalGQL writes the decimal as a JSON string.
func (d Decimal) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(d))) }

// UnmarshalGQL accepts only a JSON string: a number loses exactness in many JSON libraries.
func (d *Decimal) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return &domain.Error{Code: domain.CodeInvalidInput,
			Message: fmt.Sprintf("a Decimal must be a JSON string such as \"1250.00\", not %s", jsonKind(v))}
	}
	*d = Decimal(s)
	return nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case json.Number, int, int64, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a " + fmt.Sprintf("%T", v)
}

// DateTime is an RFC 3339 timestamp.
type DateTime time.Time

// MarshalGQL writes UTC RFC 3339 with milliseconds.
func (t DateTime) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z07:00")))
}

// UnmarshalGQL parses RFC 3339.
func (t *DateTime) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return &domain.Error{Code: domain.CodeInvalidInput, Message: "a DateTime must be an RFC 3339 string"}
	}
	p, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return &domain.Error{Code: domain.CodeInvalidInput, Message: fmt.Sprintf("%q is not an RFC 3339 time", s)}
	}
	*t = DateTime(p)
	return nil
}

// Month is a calendar month, written "2026-10".
type Month domain.Month

// MarshalGQL writes "YYYY-MM" as a JSON string.
func (m Month) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(domain.Month(m).String()))
}

// UnmarshalGQL accepts only a string "YYYY-MM" with a month from 01 to 12.
func (m *Month) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return &domain.Error{Code: domain.CodeInvalidInput, Message: fmt.Sprintf("a Month must be a string such as \"2026-10\", not %s", jsonKind(v))}
	}
	p, err := domain.ParseMonth(s, nil)
	if err != nil {
		return &domain.Error{Code: domain.CodeInvalidInput, Message: fmt.Sprintf("%q is not a month: write YYYY-MM, such as \"2026-10\"", s)}
	}
	*m = Month(p)
	return nil
}
