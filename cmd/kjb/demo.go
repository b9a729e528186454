package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kjb/kjb/domain"
)

// demoMember is a 1688 buyer account of the demo partner, linked to a demo account with
// Cross-border Pay active.
type demoMember struct{ memberID, account, nickname string }

var demoMembers = []demoMember{
	{"acme-buyer-01", "Acme Trading Ltd", "Acme main buyer"},
	{"acme-buyer-02", "Acme Trading Ltd", "Acme samples"},
	{"nordlys-buyer", "Nordlys Import AS", "Nordlys purchasing"},
}

// demoSuppliers include the sandbox rail's test accounts: a payout account ending in 0002
// fails for good, one ending in 0003 errors twice and then pays.
var demoSuppliers = []domain.UpsertSupplierInput{
	{SupplierID: "yiwu-homeware", Name: "Yiwu Homeware Co.", AcceptsCrossBorderPay: true, PayoutAccount: "6222020200118888"},
	{SupplierID: "shenzhen-circuits", Name: "Shenzhen Circuits Ltd", AcceptsCrossBorderPay: true, PayoutAccount: "6222020200110002"},
	{SupplierID: "guangzhou-textiles", Name: "Guangzhou Textiles", AcceptsCrossBorderPay: true, PayoutAccount: "6222020200110003"},
	{SupplierID: "ningbo-crafts", Name: "Ningbo Crafts Trading", AcceptsCrossBorderPay: false, PayoutAccount: "6222020200117777"},
}

// demoOrders await payment; the last cannot be paid with Cross-border Pay (a direct trade with
// a red packet, from a supplier that does not accept it), so paymentOptions shows its reasons.
var demoOrders = []domain.CreateOrderInput{
	{ExternalID: "1688-demo-1001", BuyerMemberID: "acme-buyer-01", SupplierID: "yiwu-homeware", Amount: domain.AmountInput{Amount: "1280.00", Currency: "CNY"}},
	{ExternalID: "1688-demo-1002", BuyerMemberID: "acme-buyer-02", SupplierID: "shenzhen-circuits", Amount: domain.AmountInput{Amount: "3650.00", Currency: "CNY"}},
	{ExternalID: "1688-demo-1003", BuyerMemberID: "nordlys-buyer", SupplierID: "guangzhou-textiles", Amount: domain.AmountInput{Amount: "980.50", Currency: "CNY"}},
	{ExternalID: "1688-demo-1004", BuyerMemberID: "acme-buyer-01", SupplierID: "ningbo-crafts", Amount: domain.AmountInput{Amount: "560.00", Currency: "CNY"},
		TradeMode: domain.TradeDirect, RedPacketDiscount: true},
}

// demoLinkCodes reads the code a member received to confirm a link (the sandbox marketplace's record).
type demoLinkCodes interface {
	Code(ctx context.Context, linkID string) (string, error)
}

// demoPayment is the order the printed curl pays, and the key it pays with.
type demoPayment struct {
	order   domain.Order
	account string
	key     string
}

// seedMarketplace registers (once) the demo partner's members, suppliers and orders, links the
// members to their accounts with Cross-border Pay active, and returns an order of firstAccount
// still awaiting payment that Cross-border Pay can pay (a new one when every demo order is paid).
func seedMarketplace(ctx context.Context, svc *domain.Service, codes demoLinkCodes, partner domain.Partner, accounts map[string]domain.Account, firstAccount string) (domain.Order, error) {
	as := domain.Actor{Role: domain.RolePartner, PartnerID: partner.ID, KeyID: "system"}
	for _, m := range demoMembers {
		if _, err := svc.UpsertMember(ctx, as, domain.UpsertMemberInput{MemberID: m.memberID, Type: domain.AccountCorporate,
			AlipayVerified: true, Authorized: true, MainlandAlipayLinked: true}); err != nil {
			return domain.Order{}, err
		}
		link, err := svc.LinkMarketplaceAccount(ctx, system, domain.LinkInput{AccountID: accounts[m.account].ID,
			Platform: partner.Code, MemberID: m.memberID, Nickname: m.nickname})
		if err != nil {
			return domain.Order{}, err
		}
		if link.Status == domain.LinkPending {
			// The member confirms with the code the sandbox marketplace recorded for it.
			code, err := codes.Code(ctx, link.ID)
			if err != nil {
				return domain.Order{}, err
			}
			if link, err = svc.ConfirmMarketplaceLink(ctx, system, link.ID, code); err != nil {
				return domain.Order{}, err
			}
		}
		if _, err := svc.ActivateCrossBorderPay(ctx, system, link.ID); err != nil {
			return domain.Order{}, err
		}
	}
	for _, s := range demoSuppliers {
		if _, err := svc.UpsertSupplier(ctx, as, s); err != nil {
			return domain.Order{}, err
		}
	}
	var payable *domain.Order
	for _, in := range demoOrders {
		o, err := svc.CreateOrder(ctx, as, demoOrder(in))
		if err != nil {
			return domain.Order{}, err
		}
		if payable == nil && o.Status == domain.OrderAwaitingPayment && !in.RedPacketDiscount && memberOf(in.BuyerMemberID) == firstAccount {
			payable = &o
		}
	}
	if payable != nil {
		return *payable, nil
	}
	in := demoOrders[0]
	in.ExternalID = "1688-demo-" + strconv.FormatInt(time.Now().Unix(), 10)
	return svc.CreateOrder(ctx, as, demoOrder(in))
}

func demoOrder(in domain.CreateOrderInput) domain.CreateOrderInput {
	if in.TradeMode == "" {
		in.TradeMode = domain.TradeSecured
	}
	return in
}

func memberOf(memberID string) string {
	for _, m := range demoMembers {
		if m.memberID == memberID {
			return m.account
		}
	}
	return ""
}

// curl is one copy-paste command that pays the order with Cross-border Pay.
func (p demoPayment) curl(host string) string {
	query := `mutation($input: PayOrderInput!) { payOrder(input: $input) { payment { id status amount { amount currency } ` +
		`totalFees { amount currency } debited { amount currency } escrowStatus } userErrors { code field message } } }`
	body := fmt.Sprintf(`{"query":%q,"variables":{"input":{"orderId":%q,"method":"WORLD_PAY","idempotencyKey":%q}}}`,
		query, domain.GlobalID("Order", p.order.ID), "first-payment-"+p.order.ExternalID)
	var b strings.Builder
	fmt.Fprintf(&b, "Pay order %s (CNY %s to %s) as %s:\n", p.order.ExternalID, p.order.Amount.Amount.StringFixed(2), p.order.Supplier.Name, p.account)
	fmt.Fprintf(&b, "  curl -s http://%s/query -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\\n    -d '%s'\n", host, p.key, body)
	return b.String()
}
