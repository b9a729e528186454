package domain

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"
)

func TestFeeArithmetic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount, rate, want string
	}{
		{"12500.00", "0.004", "50.00"},
		{"12500.00", "0.002", "25.00"},
		{"1.25", "0.004", "0.01"},     // 0.005 rounds half up
		{"1.24", "0.004", "0.00"},     // 0.00496
		{"3.33", "0.0015", "0.00"},    // 0.004995
		{"3.34", "0.0015", "0.01"},    // 0.00501
		{"1234.56", "0.001", "1.23"},  // 1.23456
		{"1234.50", "0.0005", "0.62"}, // 0.61725
		{"999999.99", "0.03", "30000.00"},
		{"0.01", "0.002", "0.00"},
	}
	for _, tc := range tests {
		got := Fee(FeeStandard, d(tc.rate), Money{d(tc.amount), CNY}, CNH)
		if !got.Amount.Amount.Equal(d(tc.want)) || got.Amount.Currency != CNH {
			t.Errorf("%s × %s = %s, want %s", tc.amount, tc.rate, got.Amount, tc.want)
		}
	}
}

func eligibleSituation() PaymentSituation {
	acct := Account{ID: "a", KycStatus: KycVerified, ServiceFeeRate: d("0.002")}
	link := MarketplaceLink{ID: "l", AccountID: "a", Status: LinkActive, CrossBorderPayActive: true}
	return PaymentSituation{
		Order: Order{Amount: Money{d("1000.00"), CNY}, TradeMode: TradeSecured, Status: OrderAwaitingPayment,
			Supplier: Supplier{AcceptsCrossBorderPay: true}},
		Member:   MarketplaceMember{AlipayVerified: true, Authorized: true, MainlandAlipayLinked: true},
		Link:     &link,
		Account:  &acct,
		Balances: map[Currency]decimal.Decimal{CNH: d("1006.00"), USD: d("1000.00")},
		Schedule: DefaultFeeSchedule(), PayCurrency: USD, PayRate: d("7.0645"),
	}
}

// TestEligibility: each rule of FAQ 10–11 and the payment guide, alone, gives exactly its reason.
func TestEligibility(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*PaymentSituation)
		wp, wf []ErrorCode
	}{
		{"eligible for both", func(*PaymentSituation) {}, nil, nil},
		{"FAQ 11a: not a secured transaction", func(p *PaymentSituation) { p.Order.TradeMode = TradeDirect }, []ErrorCode{ReasonNotSecuredTransaction}, nil},
		{"FAQ 11g: credit term", func(p *PaymentSituation) { p.Order.TradeMode = TradeCreditTerm }, []ErrorCode{ReasonCreditTermOrContract}, nil},
		{"FAQ 11g: contract", func(p *PaymentSituation) { p.Order.TradeMode = TradeContract }, []ErrorCode{ReasonCreditTermOrContract}, nil},
		{"FAQ 11b: prohibited items", func(p *PaymentSituation) { p.Order.ContainsProhibitedItems = true }, []ErrorCode{ReasonProhibitedItems}, nil},
		{"FAQ 11c: red packet", func(p *PaymentSituation) { p.Order.RedPacketDiscount = true }, []ErrorCode{ReasonRedPacketDiscount}, nil},
		{"FAQ 11d: no mainland Alipay", func(p *PaymentSituation) { p.Member.MainlandAlipayLinked = false }, []ErrorCode{ReasonNotLinkedToMainlandAlipay}, nil},
		{"FAQ 11e: not activated", func(p *PaymentSituation) { p.Link.CrossBorderPayActive = false }, []ErrorCode{ReasonCrossBorderPayNotActive}, nil},
		{"FAQ 11f: supplier does not accept", func(p *PaymentSituation) { p.Order.Supplier.AcceptsCrossBorderPay = false }, []ErrorCode{ReasonSupplierNotAccepting}, nil},
		{"FAQ 10b/c: CNH short of amount plus fees", func(p *PaymentSituation) { p.Balances[CNH] = d("1005.99") }, []ErrorCode{ReasonInsufficientBalance}, nil},
		{"not linked", func(p *PaymentSituation) { p.Link, p.Account = nil, nil },
			[]ErrorCode{ReasonMemberNotLinked, ReasonCrossBorderPayNotActive}, []ErrorCode{ReasonMemberNotLinked}},
		{"account not verified", func(p *PaymentSituation) { p.Account.KycStatus = KycPending },
			[]ErrorCode{ReasonKycNotVerified}, []ErrorCode{ReasonKycNotVerified}},
		{"guide: below CNY 1,000", func(p *PaymentSituation) { p.Order.Amount = Money{d("999.99"), CNY}; p.Balances[CNH] = d("2000") },
			nil, []ErrorCode{ReasonBelowMinimumOrder}},
		{"guide: mainland China IP", func(p *PaymentSituation) { p.BuyerIPCountry = "CN" }, nil, []ErrorCode{ReasonMainlandChinaIP}},
		{"USD short of the converted amount", func(p *PaymentSituation) { p.Balances[USD] = d("141.54") }, nil, []ErrorCode{ReasonInsufficientBalance}},
		{"no rate for the pay currency", func(p *PaymentSituation) { p.PayRate = decimal.Zero }, nil, []ErrorCode{ReasonRateUnavailable}},
		{"already paid", func(p *PaymentSituation) { p.Order.Status = OrderPaid },
			[]ErrorCode{ReasonOrderNotPayable}, []ErrorCode{ReasonOrderNotPayable}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := eligibleSituation()
			tc.change(&p)
			wp, wf := p.Option(MethodWorldPay), p.Option(MethodWorldFirstBalance)
			if !slices.Equal(wp.Reasons, tc.wp) || wp.Available != (len(tc.wp) == 0) {
				t.Errorf("WORLD_PAY %v (available %v), want %v", wp.Reasons, wp.Available, tc.wp)
			}
			if !slices.Equal(wf.Reasons, tc.wf) || wf.Available != (len(tc.wf) == 0) {
				t.Errorf("WORLDFIRST_BALANCE %v (available %v), want %v", wf.Reasons, wf.Available, tc.wf)
			}
		})
	}
}

func TestOptionCosts(t *testing.T) {
	t.Parallel()
	p := eligibleSituation()
	opts := p.Options()
	if len(opts) != 5 {
		t.Fatalf("%d options", len(opts))
	}
	want := map[PaymentMethod]string{MethodWorldPay: "1006.00 CNH", MethodWorldFirstBalance: "141.56 USD", MethodCard: "1030.00 CNY", MethodAlipay: "1000.00 CNY"}
	for _, o := range opts {
		if o.Method == MethodBankTransfer {
			if o.Total != nil || len(o.Fees) != 0 || o.HandledBy != HandledByMarketplace {
				t.Errorf("a bank transfer's cost is not known: %+v", o)
			}
			continue
		}
		if o.Total == nil || o.Total.String() != want[o.Method] {
			t.Errorf("%s total %v, want %s", o.Method, o.Total, want[o.Method])
		}
	}
	if opts[2].HandledBy != HandledByMarketplace || opts[0].HandledBy != HandledByWorldFirst {
		t.Error("handlers")
	}
	p.Member.MainlandAlipayLinked = false
	if ali := p.Option(MethodAlipay); ali.Available || !slices.Equal(ali.Reasons, []ErrorCode{ReasonNotLinkedToMainlandAlipay}) {
		t.Errorf("Alipay without mainland Alipay: %+v", ali)
	}
}

// TestRefundSequences: partial refunds then the rest return exactly the debit, fees included.
func TestRefundSequences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		payment Payment
		parts   []string
	}{
		{"world pay, three partials", Payment{Method: MethodWorldPay, Amount: Money{d("1000.00"), CNY},
			Fees:    []FeeLine{{Kind: FeeStandard, Amount: Money{d("4.00"), CNH}}, {Kind: FeeService, Amount: Money{d("2.00"), CNH}}},
			Debited: Money{d("1006.00"), CNH}}, []string{"333.33", "333.33", "333.34"}},
		{"world pay, odd fees", Payment{Method: MethodWorldPay, Amount: Money{d("1234.57"), CNY},
			Fees:    []FeeLine{{Kind: FeeStandard, Amount: Money{d("4.94"), CNH}}, {Kind: FeeService, Amount: Money{d("2.47"), CNH}}},
			Debited: Money{d("1241.98"), CNH}}, []string{"0.01", "617.28", "617.28"}},
		{"worldfirst balance in JPY", Payment{Method: MethodWorldFirstBalance, Amount: Money{d("1000.00"), CNY},
			Debited: Money{d("21302"), JPY}}, []string{"100.00", "250.50", "649.50"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.payment
			for _, part := range tc.parts {
				fees, credited := PlanRefund(p, d(part))
				if credited.Sign() <= 0 || -credited.Exponent() > p.Debited.Currency.MinorUnits() {
					t.Fatalf("refund %s credits %s", part, credited)
				}
				p.RefundedAmount = p.RefundedAmount.Add(d(part))
				p.RefundedFees = p.RefundedFees.Add(fees)
				p.CreditedBack = p.CreditedBack.Add(credited)
			}
			if !p.Remaining().IsZero() || !p.RefundedFees.Equal(p.TotalFees().Amount) || !p.CreditedBack.Equal(p.Debited.Amount) {
				t.Fatalf("after all refunds: remaining %s, fees %s of %s, credited %s of %s",
					p.Remaining(), p.RefundedFees, p.TotalFees().Amount, p.CreditedBack, p.Debited.Amount)
			}
		})
	}
}

func TestLedgersBalance(t *testing.T) {
	t.Parallel()
	p := Payment{ID: "p", AccountID: "a", Method: MethodWorldPay, Amount: Money{d("1000.00"), CNY},
		Fees: []FeeLine{{Kind: FeeStandard, Amount: Money{d("4.00"), CNH}}}, Debited: Money{d("1004.00"), CNH}}
	if _, err := PaymentLedger(p); err != nil {
		t.Fatal(err)
	}
	if _, err := ReleaseLedger(p, p.CreatedAt); err != nil {
		t.Fatal(err)
	}
	if _, err := PayoutLedger(Payout{ID: "o", Amount: Money{d("1000.00"), CNY}}, p.CreatedAt); err != nil {
		t.Fatal(err)
	}
	r := Refund{ID: "r", Amount: Money{d("500.00"), CNY}, FeesRefunded: Money{d("2.00"), CNH}, Credited: Money{d("70.81"), USD}}
	if _, err := RefundLedger(Payment{AccountID: "a"}, r); err != nil {
		t.Fatal(err)
	}
}
