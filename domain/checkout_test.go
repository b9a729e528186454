package domain

import (
	"slices"
	"strings"
	"testing"
)

// checkoutOf is a checkout of orders of the given CNY amounts, all of eligibleSituation's
// account, sharing one balance map.
func checkoutOf(cnh string, amounts ...string) Checkout {
	c := make(Checkout, len(amounts))
	for i, a := range amounts {
		s := eligibleSituation()
		s.Order.ID = "o" + a
		s.Order.Amount = Money{d(a), CNY}
		c[i] = s
	}
	for i := range c {
		c[i].Balances = c[0].Balances
	}
	c[0].Balances[CNH] = d(cnh)
	return c
}

// TestCheckoutCostsWhatSeparatePaymentsCost: each order keeps its own fees and rounding, so
// the checkout's total is the sum of the single-order totals, to the fen.
func TestCheckoutCostsWhatSeparatePaymentsCost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		amounts []string
		want    string // WORLD_PAY total in CNH
	}{
		{"one order", []string{"1000.00"}, "1006.00"},
		// 0.4% and 0.2% of 1.24 round to 0.00 per order; on 3.72 together they would be 0.01 + 0.01.
		{"rounding stays per order", []string{"1.24", "1.24", "1.24"}, "3.72"},
		{"different amounts", []string{"1000.00", "2345.67", "0.01"}, "3365.75"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := checkoutOf("1000000", tc.amounts...)
			opt := c.Option(MethodWorldPay)
			if !opt.Available || opt.Total == nil || !opt.Total.Amount.Equal(d(tc.want)) || opt.Total.Currency != CNH {
				t.Fatalf("total %v (available %v), want %s", opt.Total, opt.Available, tc.want)
			}
			sum := d("0")
			for _, s := range c {
				sum = sum.Add(s.Option(MethodWorldPay).Total.Amount)
			}
			if !sum.Equal(opt.Total.Amount) {
				t.Fatalf("separately %s, together %s", sum, opt.Total.Amount)
			}
		})
	}
}

// TestCheckoutReasons: an order's reasons name it; the balance is judged on the total and
// named on the list; Eligible gives exactly what Options gives.
func TestCheckoutReasons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cnh     string
		change  func(Checkout)
		want    []string // code@field
		wantOpt []ErrorCode
	}{
		{"all payable, balance exact", "3018.00", func(Checkout) {}, nil, nil},
		{"balance covers each but not the total", "3017.99", func(Checkout) {},
			[]string{"INSUFFICIENT_BALANCE@orderIds"}, []ErrorCode{ReasonInsufficientBalance}},
		{"one order already paid", "3018.00", func(c Checkout) { c[1].Order.Status = OrderPaid },
			[]string{"ORDER_NOT_PAYABLE@orderIds.1"}, nil},
		{"two orders, two reasons each named", "3018.00", func(c Checkout) {
			c[0].Order.TradeMode = TradeDirect
			c[2].Order.RedPacketDiscount = true
			c[2].Order.Supplier.AcceptsCrossBorderPay = false
		}, []string{"NOT_SECURED_TRANSACTION@orderIds.0", "RED_PACKET_DISCOUNT@orderIds.2", "SUPPLIER_NOT_ACCEPTING@orderIds.2"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := checkoutOf(tc.cnh, "1000.00", "1000.00", "1000.00")
			tc.change(c)
			opt := c.Option(MethodWorldPay)
			if !slices.Equal(opt.Reasons, tc.wantOpt) || opt.Available != (len(tc.want) == 0) {
				t.Fatalf("checkout reasons %v available %v", opt.Reasons, opt.Available)
			}
			var got []string
			for _, e := range AsErrors(c.Eligible(MethodWorldPay)) {
				got = append(got, string(e.Code)+"@"+strings.Join(e.Field, "."))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Eligible %v, want %v", got, tc.want)
			}
			var fromOptions []string
			for i, o := range opt.Orders {
				for _, r := range o.Reasons {
					fromOptions = append(fromOptions, string(r)+"@orderIds."+string(rune('0'+i)))
				}
			}
			for _, r := range opt.Reasons {
				fromOptions = append(fromOptions, string(r)+"@orderIds")
			}
			if !slices.Equal(fromOptions, tc.want) {
				t.Fatalf("Options %v, Eligible %v", fromOptions, got)
			}
		})
	}
}

// TestCheckoutOfOneIsTheSingleOrderRule: paymentOptions is the checkout of one order, with
// the balance reason folded in except for an order not awaiting payment.
func TestCheckoutOfOneIsTheSingleOrderRule(t *testing.T) {
	t.Parallel()
	s := checkoutOf("1005.99", "1000.00")[0]
	if got := s.Option(MethodWorldPay).Reasons; !slices.Equal(got, []ErrorCode{ReasonInsufficientBalance}) {
		t.Fatalf("short balance: %v", got)
	}
	s.Order.Status = OrderPaid
	if got := s.Option(MethodWorldPay).Reasons; !slices.Equal(got, []ErrorCode{ReasonOrderNotPayable}) {
		t.Fatalf("paid order: %v", got)
	}
}

// TestCheckoutOfOneAccount: orders of members linked to different accounts are refused,
// naming the first order of another account.
func TestCheckoutOfOneAccount(t *testing.T) {
	t.Parallel()
	c := checkoutOf("5000", "1000.00", "1000.00", "1000.00")
	if err := c.SameAccount(); err != nil {
		t.Fatal(err)
	}
	other := *c[2].Account
	other.ID = "b"
	c[2].Account = &other
	err := c.SameAccount()
	if e := AsErrors(err); CodeOf(err) != CodeInvalidInput || len(e) != 1 || strings.Join(e[0].Field, ".") != "orderIds.2" {
		t.Fatalf("got %v", err)
	}
}

// TestPayOrdersInputValidation: the list is 1–30 ids, each once; every problem named.
func TestPayOrdersInputValidation(t *testing.T) {
	t.Parallel()
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "id" + string(rune('A'+i))
		}
		return out
	}
	tests := []struct {
		name string
		ids  []string
		want []string
	}{
		{"one", ids(1), nil},
		{"thirty", ids(30), nil},
		{"none", nil, []string{"orderIds"}},
		{"thirty-one", ids(31), []string{"orderIds"}},
		{"a duplicate", []string{"a", "b", "a", "b"}, []string{"orderIds.2", "orderIds.3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := PayOrdersInput{OrderIDs: tc.ids, Method: MethodWorldPay, IdempotencyKey: "k"}.validate()
			var got []string
			for _, e := range AsErrors(err) {
				if e.Code != CodeInvalidInput {
					t.Fatalf("code %s", e.Code)
				}
				got = append(got, strings.Join(e.Field, "."))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}
