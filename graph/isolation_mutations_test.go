package graph_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	. "github.com/kjb/kjb/internal/apitest"
)

// TestTenantIsolationMutations: every mutation whose input takes an id, called on another
// tenant's object, answers NOT_FOUND (or FORBIDDEN where the role may not call it at all) and
// changes nothing. The list of mutations comes from the schema, so a new one without a case fails.
func TestTenantIsolationMutations(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888") // tenant A: partner 1688, its account
	e.Fund(s.AccountID, "1000.00", "CNH")
	e.Fund(s.AccountID, "100.00", "USD")
	paid := e.Order(s.PartnerKey, "o-paid", "buyer", "supplier", "100.00")
	e.Pay(s.AccountKey, paid, "p")
	open := e.Order(s.PartnerKey, "o-open", "buyer", "supplier", "100.00")
	released := e.Order(s.PartnerKey, "o-released", "buyer", "supplier", "100.00")
	e.Pay(s.AccountKey, released, "p2")
	e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": released})
	quote := Str(e.Quote(s.AccountKey, s.AccountID, "USD", "CNH", "1.00"), "id")
	ep := Str(e.MustSucceed(s.PartnerKey, "createWebhookEndpoint", `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } userErrors { code } } }`,
		map[string]any{"url": "https://example.com/h"}), "endpoint", "id")
	event := Str(e.MustData(s.PartnerKey, `{ events(first: 1) { edges { node { id } } } }`, nil), "events", "edges", 0, "node", "id")
	payout := Str(e.MustData(s.PartnerKey, `query($id: ID!) { order(id: $id) { payment { payout { id } } } }`, map[string]any{"id": released}), "order", "payment", "payout", "id")
	job := Str(e.MustData(e.Operator, `{ jobs(first: 1) { edges { node { id } } } }`, nil), "jobs", "edges", 0, "node", "id")
	accountKeyID := Str(e.MustSucceed(e.Operator, "createApiKey", CreateKey, map[string]any{"role": "ACCOUNT", "accountId": s.AccountID}), "apiKey", "id")
	_, otherPartner := e.Partner("other")
	_, otherAccount := e.Account("Other")
	const brk = "01900000-0000-7000-8000-0000000000b1"
	if _, err := e.Pool.Exec(context.Background(), `INSERT INTO reconciliation_breaks (id, day, counterparty, object_id, problem, status, created_at)
		VALUES ($1::uuid, '2026-10-01', 'PAYOUT_RAIL', $1::text, 'MISSING_AT_KJB', 'OPEN', now())`, brk); err != nil {
		t.Fatal(err)
	}

	cases := map[string]struct {
		key, query string
		input      map[string]any
	}{
		"reviewKyc":                {otherAccount, ReviewKyc, map[string]any{"accountId": s.AccountID, "decision": "REJECT"}},
		"topUp":                    {otherAccount, TopUp, map[string]any{"accountId": s.AccountID, "amount": map[string]any{"amount": "1.00", "currency": "USD"}, "reference": "x"}},
		"createApiKey":             {otherAccount, CreateKey, map[string]any{"role": "ACCOUNT", "accountId": s.AccountID}},
		"linkMarketplaceAccount":   {otherAccount, Link, map[string]any{"accountId": s.AccountID, "platform": "1688", "memberId": "buyer"}},
		"unlinkMarketplaceAccount": {otherAccount, Unlink, map[string]any{"linkId": s.LinkID}},
		"confirmMarketplaceLink":   {otherAccount, ConfirmLink, map[string]any{"linkId": s.LinkID, "code": "000000"}},
		"revokeApiKey":             {otherAccount, `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { userErrors { code } } }`, map[string]any{"apiKeyId": accountKeyID}},
		"rotateApiKey":             {otherAccount, `mutation($input: RotateApiKeyInput!) { rotateApiKey(input: $input) { secret userErrors { code } } }`, map[string]any{"apiKeyId": accountKeyID}},
		"activateCrossBorderPay":   {otherAccount, Activate, map[string]any{"linkId": s.LinkID}},
		"createQuote":              {otherAccount, CreateQuote, map[string]any{"accountId": s.AccountID, "sellCurrency": "USD", "buyCurrency": "CNH", "sellAmount": Money("1.00", "USD")}},
		"executeQuote":             {otherAccount, ExecuteQuote, map[string]any{"quoteId": quote, "idempotencyKey": "steal"}},
		"payOrder":                 {otherAccount, PayOrder, map[string]any{"orderId": open, "method": "WORLD_PAY", "idempotencyKey": "steal"}},
		"payOrders":                {otherAccount, `mutation($input: PayOrdersInput!) { payOrders(input: $input) { userErrors { code } } }`, map[string]any{"orderIds": []string{open}, "method": "WORLD_PAY", "idempotencyKey": "steal"}},
		"setLinkSpendingLimit":     {otherAccount, `mutation($input: SetLinkSpendingLimitInput!) { setLinkSpendingLimit(input: $input) { userErrors { code } } }`, map[string]any{"linkId": s.LinkID, "daily": Money("1.00", "CNY")}},
		"setAutoConvert":           {otherAccount, `mutation($input: SetAutoConvertInput!) { setAutoConvert(input: $input) { userErrors { code } } }`, map[string]any{"accountId": s.AccountID, "currency": "USD", "maxSpreadBps": 100}},
		"cancelOrder":              {otherPartner, CancelOrder, map[string]any{"orderId": open}},
		"confirmReceipt":           {otherPartner, ConfirmReceipt, map[string]any{"orderId": paid}},
		"refundOrder":              {otherPartner, RefundOrder, map[string]any{"orderId": paid, "idempotencyKey": "steal"}},
		"retryPayout":              {otherPartner, RetryPayout, map[string]any{"payoutId": payout}},
		"deleteWebhookEndpoint":    {otherPartner, `mutation($input: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $input) { userErrors { code } } }`, map[string]any{"endpointId": ep}},
		"rotateWebhookSecret":      {otherPartner, `mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret userErrors { code } } }`, map[string]any{"endpointId": ep}},
		"redeliverEvent":           {otherPartner, `mutation($input: RedeliverEventInput!) { redeliverEvent(input: $input) { enqueued userErrors { code } } }`, map[string]any{"eventId": event, "endpointId": ep}},
		"retryJob":                 {otherAccount, `mutation($input: RetryJobInput!) { retryJob(input: $input) { userErrors { code } } }`, map[string]any{"jobId": job}},
		"cancelJob":                {otherAccount, `mutation($input: CancelJobInput!) { cancelJob(input: $input) { userErrors { code } } }`, map[string]any{"jobId": job}},
	}
	cases["resolveReconciliationBreak"] = struct {
		key, query string
		input      map[string]any
	}{otherPartner, resolveBreak, map[string]any{"breakId": base64.RawURLEncoding.EncodeToString([]byte("ReconciliationBreak:" + brk)), "note": "x"}}

	schema := e.MustData(e.Operator, `{ __schema { mutationType { fields { name args { type { ofType { name inputFields { type { name ofType { name } } } } } } } } } }`, nil)
	var withID []string
	for _, f := range Get(schema, "__schema", "mutationType", "fields").([]any) {
		for _, field := range Get(f, "args", 0, "type", "ofType", "inputFields").([]any) {
			if Str(field, "type", "name")+Str(field, "type", "ofType", "name") == "ID" {
				withID = append(withID, Str(f, "name"))
				break
			}
		}
	}
	sort.Strings(withID)
	if len(withID) < len(cases) {
		t.Fatalf("the schema walk found only %v", withID)
	}
	for _, name := range withID {
		c, ok := cases[name]
		if !ok {
			t.Errorf("mutation %q takes an id but has no isolation case", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			e := e.With(t)
			before := e.Snapshot() + fmt.Sprint(e.Count(`SELECT count(*) FROM payments`), e.Count(`SELECT count(*) FROM refunds`),
				e.Count(`SELECT count(*) FROM marketplace_links WHERE status = 'ACTIVE'`), e.Count(`SELECT count(*) FROM river_job WHERE state = 'cancelled'`))
			r := e.Do(c.key, c.query, map[string]any{"input": c.input})
			got := r.Code()
			if got == "" {
				if codes := UserErrorCodes(Get(r.Data, name).(map[string]any)); len(codes) == 1 {
					got = codes[0]
				}
			}
			if got != "NOT_FOUND" && got != "FORBIDDEN" {
				t.Fatalf("got %q: %s", got, r.Raw)
			}
			after := e.Snapshot() + fmt.Sprint(e.Count(`SELECT count(*) FROM payments`), e.Count(`SELECT count(*) FROM refunds`),
				e.Count(`SELECT count(*) FROM marketplace_links WHERE status = 'ACTIVE'`), e.Count(`SELECT count(*) FROM river_job WHERE state = 'cancelled'`))
			if after != before {
				t.Fatalf("something changed: %s → %s", before, after)
			}
		})
	}
}

// TestInputsCannotSetServerOwnedFields: the schema gives clients no way to set what the
// server owns (KYC status, balances, statuses); trying is a validation error and creates nothing.
func TestInputsCannotSetServerOwnedFields(t *testing.T) {
	t.Parallel()
	e := New(t)
	for _, q := range []string{
		`mutation { createAccount(input: {name: "x", type: CORPORATE, country: "GB", kycStatus: VERIFIED}) { account { id } } }`,
		`mutation { createAccount(input: {name: "x", type: CORPORATE, country: "GB", serviceFeeRate: "0"}) { account { id } } }`,
		`mutation { topUp(input: {accountId: "x", amount: {amount: "1", currency: USD}, reference: "r", id: "y"}) { topUp { id } } }`,
	} {
		r := e.Do(e.Operator, q, nil)
		if r.Code() != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("%s: %s", q, r.Raw)
		}
	}
	if n := e.Count(`SELECT count(*) FROM accounts`); n != 0 {
		t.Fatalf("%d accounts created", n)
	}
}

// TestAbuseIsRejectedWhileOthersAreServed: oversized, over-deep, over-aliased, over-long and
// batched requests are refused with their codes while ordinary requests keep succeeding.
func TestAbuseIsRejectedWhileOthersAreServed(t *testing.T) {
	t.Parallel()
	e := New(t)
	tokens := "{ " + strings.Repeat("viewer { role } ", 2000) + "}"
	aliases := "{ " + strings.Repeat("__typename ", 1) + func() string {
		var b strings.Builder
		for i := range 200 {
			fmt.Fprintf(&b, "a%d: __typename ", i)
		}
		return b.String()
	}() + "}"
	abusive := []struct {
		name string
		body string
		want string
	}{
		{"tokens", jsonQuery(tokens), "GRAPHQL_PARSE_FAILED"},
		{"aliases", jsonQuery(aliases), "QUERY_TOO_COMPLEX"},
		{"depth", jsonQuery("{ __type(name: \"Account\") { " + strings.Repeat("ofType { ", 30) + "name" + strings.Repeat(" }", 30) + " } }"), "QUERY_TOO_COMPLEX"},
		{"complexity", jsonQuery(`{ accounts(first: 100) { edges { node { ledgerEntries(first: 100) { edges { node { kind } } } } } } }`), "QUERY_TOO_COMPLEX"},
		{"body", `{"query":"{ viewer { role } }","pad":"` + strings.Repeat("x", 300<<10) + `"}`, "INVALID_INPUT"},
	}
	var wg sync.WaitGroup
	errs := make(chan string, 200)
	for range 5 {
		for _, a := range abusive {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r := e.Post(e.Operator, []byte(a.body)); r.Code() != a.want {
					errs <- fmt.Sprintf("%s: %.200s", a.name, r.Raw)
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := e.Do(e.Operator, `{ viewer { role } currencies { code } }`, nil); len(r.Errors) != 0 {
				errs <- "an ordinary request failed: " + r.Raw
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	// A batch (a JSON array of operations) is not executed.
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, e.Server.URL+"/query",
		strings.NewReader(`[{"query":"{ viewer { role } }"},{"query":"{ viewer { role } }"}]`))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Fatal("a batched request was executed")
	}
}

func jsonQuery(q string) string {
	return `{"query":` + fmt.Sprintf("%q", q) + `}`
}

// TestNodeResolvesEveryType: refunds, events, webhook endpoints, API keys, fee statements and
// jobs resolve through node(id:) for whoever may see them, and read as null for anyone else.
func TestNodeResolvesEveryType(t *testing.T) {
	t.Parallel()
	e := New(t, Options{SandboxClock: true})
	e.SetSandboxClock("2026-10-05T12:00:00+08:00")
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "1000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "100.00")
	e.Pay(s.AccountKey, oid, "p")
	refund := Str(e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": oid, "amount": Money("10.00", "CNY"), "idempotencyKey": "r"}), "refund", "id")
	ep := Str(e.MustSucceed(s.PartnerKey, "createWebhookEndpoint", `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } userErrors { code } } }`,
		map[string]any{"url": "https://example.com/h"}), "endpoint", "id")
	event := Str(e.MustData(s.PartnerKey, `{ events(first: 1) { edges { node { id } } } }`, nil), "events", "edges", 0, "node", "id")
	key := Str(e.MustSucceed(e.Operator, "createApiKey", CreateKey, map[string]any{"role": "ACCOUNT", "accountId": s.AccountID}), "apiKey", "id")
	e.SetSandboxClock("2026-11-01T01:00:00+08:00")
	closeMonth(e, "2026-10")
	statement := Str(e.MustData(s.AccountKey, `query($id: ID!) { feeStatements(accountId: $id) { edges { node { id } } } }`, map[string]any{"id": s.AccountID}),
		"feeStatements", "edges", 0, "node", "id")
	job := Str(e.MustData(e.Operator, `{ jobs(first: 1) { edges { node { id } } } }`, nil), "jobs", "edges", 0, "node", "id")
	_, otherPartner := e.Partner("other")
	_, otherAccount := e.Account("Other")
	for _, c := range []struct {
		name, id, owner, stranger string
	}{
		{"Refund", refund, s.PartnerKey, otherPartner},
		{"Event", event, s.PartnerKey, otherPartner},
		{"WebhookEndpoint", ep, s.PartnerKey, otherPartner},
		{"ApiKey", key, e.Operator, otherAccount},
		{"FeeStatement", statement, s.AccountKey, otherAccount},
		{"Job", job, e.Operator, otherAccount},
	} {
		q := `query($id: ID!) { node(id: $id) { id } }`
		if d := e.MustData(c.owner, q, map[string]any{"id": c.id}); Str(d, "node", "id") != c.id {
			t.Errorf("%s: the owner cannot resolve it: %v", c.name, d)
		}
		if d := e.MustData(c.stranger, q, map[string]any{"id": c.id}); d["node"] != nil {
			t.Errorf("%s: another tenant resolved it", c.name)
		}
	}
}
