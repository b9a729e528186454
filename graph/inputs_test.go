package graph_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	. "github.com/kjb/kjb/internal/apitest"
)

// TestTextAndIDInputsAtTheEdge: malformed text or ids in any input answer INVALID_INPUT
// naming the field, and never reach the database (which answered INTERNAL before).
func TestTextAndIDInputsAtTheEdge(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "1000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-edge", "buyer", "supplier", "100.00")
	e.Pay(s.AccountKey, oid, "pay-edge")
	refundGID := base64.RawURLEncoding.EncodeToString([]byte("Refund:not-a-uuid"))
	nulCursor := base64.RawURLEncoding.EncodeToString([]byte("c:abc\x00def"))
	for _, c := range []struct {
		name, key, query string
		vars             map[string]any
		field            string
	}{
		{"NUL in createAccount.name", e.Operator, CreateAccount, map[string]any{"input": map[string]any{"name": "Acme\x00", "type": "CORPORATE", "country": "GB"}}, "input.name"},
		{"bidi override in createAccount.name", e.Operator, CreateAccount, map[string]any{"input": map[string]any{"name": "Acme\u202Eexe.pdf", "type": "CORPORATE", "country": "GB"}}, "input.name"},
		{"overlong createAccount.name", e.Operator, CreateAccount, map[string]any{"input": map[string]any{"name": strings.Repeat("a", 5000), "type": "CORPORATE", "country": "GB"}}, "input.name"},
		{"NUL in upsertSupplier.name", s.PartnerKey, UpsertSupplier, map[string]any{"input": map[string]any{"supplierId": "s2", "name": "S\x00", "acceptsCrossBorderPay": true, "payoutAccount": "62220000000002"}}, "input.name"},
		{"NUL in upsertSupplier.supplierId", s.PartnerKey, UpsertSupplier, map[string]any{"input": map[string]any{"supplierId": "s\x002", "name": "S", "acceptsCrossBorderPay": true, "payoutAccount": "62220000000002"}}, "input.supplierId"},
		{"NUL in refundOrder.reason", s.PartnerKey, RefundOrder, map[string]any{"input": map[string]any{"orderId": oid, "idempotencyKey": "r-nul", "reason": "x\x00"}}, "input.reason"},
		{"escape in refundOrder.idempotencyKey", s.PartnerKey, RefundOrder, map[string]any{"input": map[string]any{"orderId": oid, "idempotencyKey": "r\x1b"}}, "input.idempotencyKey"},
		{"NUL in createApiKey.label", e.Operator, CreateKey, map[string]any{"input": map[string]any{"role": "OPERATOR", "label": "l\x00"}}, "input.label"},
		{"NUL in orderByExternalId", s.PartnerKey, `query($x: String!) { orderByExternalId(externalId: $x) { id } }`, map[string]any{"x": "o\x00"}, "externalId"},
		{"cursor holding NUL", s.AccountKey, `query($a: String) { payments(first: 5, after: $a) { edges { cursor } } }`, map[string]any{"a": nulCursor}, "after"},
	} {
		r := e.Do(c.key, c.query, c.vars)
		got := fmt.Sprint(r.Raw)
		if r.Code() != "INVALID_INPUT" && !strings.Contains(got, `"code":"INVALID_INPUT"`) {
			t.Errorf("%s: %.400s", c.name, got)
			continue
		}
		want := `"` + strings.ReplaceAll(c.field, ".", `","`) + `"`
		if !strings.Contains(got, want) {
			t.Errorf("%s: the error does not name %s: %.400s", c.name, c.field, got)
		}
	}
	for _, q := range []string{`{ node(id: "` + refundGID + `") { id } }`} {
		r := e.Do(s.PartnerKey, q, nil)
		if strings.Contains(r.Raw, "INTERNAL") || (r.Code() != "INVALID_INPUT" && Get(r.Data, "refund") != nil) {
			t.Errorf("%s: %.400s", q, r.Raw)
		}
	}
	// Invalid UTF-8 in the body is refused, not replaced by U+FFFD.
	body := []byte(`{"query":"mutation($i: CreateAccountInput!) { createAccount(input: $i) { account { id } } }","variables":{"i":{"name":"Acme ` + "\xff" + ` Ltd","type":"CORPORATE","country":"GB"}}}`)
	if r := e.Post(e.Operator, body); !strings.Contains(r.Raw, "INVALID_INPUT") {
		t.Errorf("invalid UTF-8: %.400s", r.Raw)
	}
	if n := e.Count(`SELECT count(*) FROM accounts WHERE name LIKE 'Acme%'`); n != 0 {
		t.Errorf("%d malformed accounts were created", n)
	}
	e.Audit()
}
