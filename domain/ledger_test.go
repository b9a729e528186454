package domain

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func money(s string, c Currency) Money {
	return Money{Amount: decimal.RequireFromString(s), Currency: c}
}

func TestNewLedgerTx(t *testing.T) {
	t.Parallel()
	now := time.Now()
	tests := []struct {
		name    string
		entries []Entry
		ok      bool
	}{
		{"balanced top-up", []Entry{{Book: BookCustomer, AccountID: "a", Amount: money("10", USD)}, {Book: BookTopUpClearing, Amount: money("-10", USD)}}, true},
		{"balanced per currency", []Entry{
			{Book: BookCustomer, AccountID: "a", Amount: money("-10", USD)}, {Book: BookFXPosition, Amount: money("10", USD)},
			{Book: BookCustomer, AccountID: "a", Amount: money("71.23", CNH)}, {Book: BookFXPosition, Amount: money("-71.23", CNH)}}, true},
		{"unbalanced", []Entry{{Book: BookCustomer, AccountID: "a", Amount: money("10", USD)}, {Book: BookTopUpClearing, Amount: money("-9.99", USD)}}, false},
		{"balanced across currencies only", []Entry{{Book: BookCustomer, AccountID: "a", Amount: money("10", USD)}, {Book: BookFXPosition, Amount: money("-10", EUR)}}, false},
		{"single entry", []Entry{{Book: BookCustomer, AccountID: "a", Amount: money("10", USD)}}, false},
		{"zero line", []Entry{{Book: BookCustomer, AccountID: "a", Amount: money("0", USD)}, {Book: BookTopUpClearing, Amount: money("0", USD)}}, false},
		{"customer without account", []Entry{{Book: BookCustomer, Amount: money("10", USD)}, {Book: BookTopUpClearing, Amount: money("-10", USD)}}, false},
		{"house line with account", []Entry{{Book: BookCustomer, AccountID: "a", Amount: money("10", USD)}, {Book: BookTopUpClearing, AccountID: "a", Amount: money("-10", USD)}}, false},
		{"finer than minor unit", []Entry{{Book: BookCustomer, AccountID: "a", Amount: money("1.5", JPY)}, {Book: BookTopUpClearing, Amount: money("-1.5", JPY)}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewLedgerTx(LedgerTopUp, "ref", now, tc.entries...)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestNextKycStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from KycStatus
		d    KycDecision
		want KycStatus // "" = refused
	}{
		{KycPending, KycApprove, KycVerified},
		{KycPending, KycReject, KycRejected},
		{KycRejected, KycApprove, KycVerified},
		{KycRejected, KycReject, KycRejected},
		{KycVerified, KycApprove, KycVerified},
		{KycVerified, KycReject, ""},
		{KycPending, "MAYBE", ""},
	}
	for _, tc := range tests {
		got, err := NextKycStatus(tc.from, tc.d)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s + %s = %s, want refusal", tc.from, tc.d, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s + %s = %s, %v; want %s", tc.from, tc.d, got, err, tc.want)
		}
	}
}

func TestCreateAccountInputValidate(t *testing.T) {
	t.Parallel()
	_, err := CreateAccountInput{Name: " ", Type: "LLC", Country: "XX"}.Validate()
	es := AsErrors(err)
	if len(es) != 3 {
		t.Fatalf("got %v, want three errors (name, type, country)", err)
	}
	in, err := CreateAccountInput{Name: "  Acme  ", Type: AccountCorporate, Country: "GB"}.Validate()
	if err != nil || in.Name != "Acme" {
		t.Fatalf("got %+v, %v", in, err)
	}
}

func TestValidateReference(t *testing.T) {
	t.Parallel()
	long := make([]byte, 300)
	for i := range long {
		long[i] = 'a'
	}
	for _, bad := range []string{"", string(long), "a\nb", "   ", "\x00"} {
		if _, err := ValidateReference(bad, Field("reference")); CodeOf(err) != CodeInvalidInput {
			t.Errorf("%q: %v, want INVALID_INPUT", bad, err)
		}
	}
	for _, good := range []string{"a", "INV-2026-001", "订单-1688", string(long[:255])} {
		if _, err := ValidateReference(good, Field("reference")); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
}

func TestIsUserError(t *testing.T) {
	t.Parallel()
	if !IsUserError(Errors{Errorf(CodeInvalidInput, nil, "a"), Errorf(CodeNotFound, nil, "b")}) {
		t.Error("a list of user errors is a user error")
	}
	if IsUserError(Unauthenticated) || IsUserError(Forbidden("x")) || IsUserError(nil) {
		t.Error("auth failures and nil are not user errors")
	}
}

func TestNewPage(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, -1, 101} {
		if _, err := NewPage(&n, ""); CodeOf(err) != CodeInvalidInput {
			t.Errorf("first=%d: %v", n, err)
		}
	}
	p, err := NewPage(nil, "x")
	if err != nil || p.First != DefaultPageSize {
		t.Errorf("default page: %+v %v", p, err)
	}
	s := Cut([]int{1, 2, 3}, Page{First: 2})
	if len(s.Items) != 2 || !s.HasNext {
		t.Errorf("Cut: %+v", s)
	}
}
