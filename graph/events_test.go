package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/internal/wait"
	"github.com/kjb/kjb/sandboxliquidity"
	"github.com/kjb/kjb/sandboxrail"
	"github.com/kjb/kjb/worker"
	"github.com/stripe/stripe-go/v84/webhook"
)

// TestEventsAreWrittenWithTheirChange: a payment writes its events; a refused one writes none.
func TestEventsAreWrittenWithTheirChange(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "100.00", "CNH")
	big := e.Order(s.PartnerKey, "o-big", "buyer", "supplier", "1000.00")
	before := e.Count(`SELECT count(*) FROM events`)
	r := e.Mutate(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": big, "method": "WORLD_PAY", "idempotencyKey": "x"})
	if codes := UserErrorCodes(r); !slices.Equal(codes, []string{"INSUFFICIENT_BALANCE"}) || e.Count(`SELECT count(*) FROM events`) != before {
		t.Fatalf("a refused payment left events: %v", r)
	}
	small := e.Order(s.PartnerKey, "o-small", "buyer", "supplier", "10.00")
	e.Pay(s.AccountKey, small, "p")
	got := e.EventTypes(s.PartnerKey, nil)
	want := []string{"LINK_CONFIRMATION_REQUESTED", "LINK_CREATED", "ORDER_CREATED", "ORDER_CREATED", "ORDER_PAID", "PAYMENT_SUCCEEDED"}
	if !slices.Equal(got, want) {
		t.Fatalf("partner sees %v, want %v", got, want)
	}
	acct := e.EventTypes(s.AccountKey, nil)
	if !slices.Equal(acct, []string{"ACCOUNT_VERIFIED", "LINK_CREATED", "ORDER_PAID", "PAYMENT_SUCCEEDED"}) {
		t.Fatalf("account sees %v", acct)
	}
	if got := e.EventTypes(s.PartnerKey, []string{"PAYMENT_SUCCEEDED"}); !slices.Equal(got, []string{"PAYMENT_SUCCEEDED"}) {
		t.Fatalf("filtered %v", got)
	}
	if r := e.Do(s.PartnerKey, `{ events(types: [NOPE]) { edges { cursor } } }`, nil); r.Code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("unknown type: %s", r.Raw)
	}
	_, other := e.Account("Other")
	if got := e.EventTypes(other, nil); !slices.Equal(got, []string{"ACCOUNT_VERIFIED"}) {
		t.Fatalf("another account sees %v", got)
	}
}

// TestSubscriptionsAcrossProcesses: a subscriber on API server A sees the payment made through
// API server B and paid out by a worker, in commit order; a bad key is closed with 4403.
func TestSubscriptionsAcrossProcesses(t *testing.T) {
	t.Parallel()
	e := New(t)
	a, b := e.Server, e.NewAPIServer()
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "1000.00", "CNH")

	if _, err := e.Dial(a, "kjb_test_wrong"); CloseStatus(err) != 4403 {
		t.Fatalf("a bad key: %v (status %d), want close 4403", err, CloseStatus(err))
	}
	sub, err := e.Dial(a, s.AccountKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Start(`subscription($id: ID!) { accountEvents(accountId: $id) { type objectType paymentId } }`, map[string]any{"id": s.AccountID}); err != nil {
		t.Fatal(err)
	}
	partnerSub, err := e.Dial(a, s.PartnerKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := partnerSub.Start(`subscription { partnerEvents(types: [PAYOUT_PAID]) { type } }`, nil); err != nil {
		t.Fatal(err)
	}
	e.WaitSubscribers(a, 2)

	e.StartWorkers(nil)

	onB := func(key, field, query string, input map[string]any) map[string]any {
		e.Server = b
		defer func() { e.Server = a }()
		return e.MustSucceed(key, field, query, input)
	}
	oid := Str(onB(s.PartnerKey, "createOrder", CreateOrder, map[string]any{"externalId": "o-1", "buyerMemberId": "buyer", "supplierId": "supplier",
		"amount": map[string]any{"amount": "100.00", "currency": "CNY"}, "tradeMode": "SECURED_TRANSACTION"}), "order", "id")
	onB(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": "p"})
	onB(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})

	want := []string{"ORDER_PAID", "PAYMENT_SUCCEEDED", "PAYOUT_SUBMITTED", "PAYOUT_PAID", "ORDER_COMPLETED"}
	var got []string
	for len(got) < len(want) {
		d, err := sub.Next()
		if err != nil || d == nil {
			t.Fatalf("after %v: %v", got, err)
		}
		got = append(got, Str(d, "accountEvents", "type"))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("subscriber on A saw %v, want %v", got, want)
	}
	if d, err := partnerSub.Next(); err != nil || Str(d, "partnerEvents", "type") != "PAYOUT_PAID" {
		t.Fatalf("partner subscription: %v %v", d, err)
	}
}

func TestPaymentUpdatedSubscription(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "1000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "100.00")
	pid := Str(e.Pay(s.AccountKey, oid, "p"), "id")
	_, otherKey := e.Account("Other")
	other, err := e.Dial(e.Server, otherKey)
	if err != nil {
		t.Fatal(err)
	}
	_ = other.Start(`subscription($id: ID!) { paymentUpdated(paymentId: $id) { id } }`, map[string]any{"id": pid})
	if d, _ := other.Next(); d == nil || d["errors"] == nil {
		t.Fatalf("another account followed the payment: %v", d)
	}
	sub, err := e.Dial(e.Server, s.PartnerKey)
	if err != nil {
		t.Fatal(err)
	}
	_ = sub.Start(`subscription($id: ID!) { paymentUpdated(paymentId: $id) { status escrowStatus refunds { amount { amount } } } }`, map[string]any{"id": pid})
	e.WaitSubscribers(e.Server, 1)
	e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": oid, "amount": Money("40.00", "CNY"), "idempotencyKey": "r"})
	d, err := sub.Next()
	if err != nil || Str(d, "paymentUpdated", "status") != "PARTIALLY_REFUNDED" || Str(d, "paymentUpdated", "refunds", 0, "amount", "amount") != "40.00" {
		t.Fatalf("update %v %v", d, err)
	}
}

// receiver is a webhook endpoint that fails its first `failures` requests.
type receiver struct {
	mu        sync.Mutex
	failures  int
	requests  int
	processed map[string]int
	bodies    [][]byte
	headers   []http.Header
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	body, _ := io.ReadAll(req.Body)
	r.requests++
	if r.requests <= r.failures {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	r.processed[req.Header.Get("KJB-Event-Id")]++ // receivers dedupe on the event id
	r.bodies = append(r.bodies, body)
	r.headers = append(r.headers, req.Header.Clone())
	w.WriteHeader(http.StatusOK)
}

// TestWebhookDeliveryWithRetries: a receiver that fails twice then succeeds gets three
// attempts, all recorded, processes the event once, and every signature verifies.
func TestWebhookDeliveryWithRetries(t *testing.T) {
	t.Parallel()
	e := New(t)
	rcv := &receiver{failures: 2, processed: map[string]int{}}
	hook := httptest.NewServer(rcv)
	t.Cleanup(hook.Close)
	e.StartWorkers(func(c *worker.Config) { c.WebhookBackoff = 50 * time.Millisecond })
	_, pk := e.Partner("1688")
	ep := e.MustSucceed(pk, "createWebhookEndpoint", `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id url types } secret userErrors { code } } }`,
		map[string]any{"url": hook.URL + "/kjb", "types": []string{"ORDER_CREATED"}})
	secret := Str(ep, "secret")
	e.Member(pk, "m", nil)
	e.Supplier(pk, "s", "62220000001")
	e.Order(pk, "o-1", "m", "s", "10.00")
	wait.For(t, 30*time.Second, func() error {
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if len(rcv.bodies) != 1 {
			return fmt.Errorf("not delivered after %d requests", rcv.requests)
		}
		return nil
	})
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if rcv.requests != 3 || len(rcv.processed) != 1 {
		t.Fatalf("%d requests, %d events processed", rcv.requests, len(rcv.processed))
	}
	h := rcv.headers[0]
	if !domain.VerifyWebhook(h.Get("KJB-Signature"), rcv.bodies[0], secret, time.Now(), 5*time.Minute) {
		t.Fatalf("signature %q does not verify", h.Get("KJB-Signature"))
	}
	if domain.VerifyWebhook(h.Get("KJB-Signature"), append(rcv.bodies[0], ' '), secret, time.Now(), 5*time.Minute) {
		t.Fatal("a changed body verified")
	}
	d := e.MustData(pk, `{ webhookEndpoints { deliveries { edges { node { attempt statusCode error nextRetryAt eventType } } } } }`, nil)
	var attempts []string
	for _, edge := range Get(d, "webhookEndpoints", 0, "deliveries", "edges").([]any) {
		attempts = append(attempts, fmt.Sprint(Get(edge, "node", "attempt"), ":", Get(edge, "node", "statusCode")))
	}
	if !slices.Equal(attempts, []string{"3:200", "2:503", "1:503"}) || Str(d, "webhookEndpoints", 0, "deliveries", "edges", 1, "node", "nextRetryAt") == "" {
		t.Fatalf("delivery log %v", d)
	}

	// A delivery is a Node, and leads to its event; only its partner sees it.
	d = e.MustData(pk, `{ webhookEndpoints { deliveries(first: 1) { edges { node { id eventId event { id type } } } } } }`, nil)
	delivery := Get(d, "webhookEndpoints", 0, "deliveries", "edges", 0, "node")
	if Str(delivery, "event", "id") != Str(delivery, "eventId") || Str(delivery, "event", "type") != "ORDER_CREATED" {
		t.Fatalf("delivery %v", delivery)
	}
	const node = `query($id: ID!) { node(id: $id) { __typename ... on WebhookDelivery { attempt statusCode eventType } } }`
	n := Get(e.MustData(pk, node, map[string]any{"id": Str(delivery, "id")}), "node")
	if Str(n, "__typename") != "WebhookDelivery" || Get(n, "attempt") != float64(3) || Str(n, "eventType") != "ORDER_CREATED" {
		t.Errorf("node %v", n)
	}
	_, otherPartner := e.Partner("2688")
	_, account := e.Account("Nosy Ltd")
	for _, k := range []string{otherPartner, account} {
		if n := Get(e.MustData(k, node, map[string]any{"id": Str(delivery, "id")}), "node"); n != nil {
			t.Errorf("another caller read %v", n)
		}
	}

	// Redelivering returns the event and the endpoint.
	re := e.MustSucceed(pk, "redeliverEvent", `mutation($input: RedeliverEventInput!) { redeliverEvent(input: $input) { event { id type } endpoint { id } enqueued userErrors { code } } }`,
		map[string]any{"eventId": Str(delivery, "eventId"), "endpointId": Str(ep, "endpoint", "id")})
	if Str(re, "event", "id") != Str(delivery, "eventId") || Str(re, "event", "type") != "ORDER_CREATED" || Str(re, "endpoint", "id") != Str(ep, "endpoint", "id") {
		t.Fatalf("redeliver %v", re)
	}
}

func TestWebhookEndpoints(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	e := New(t, Options{Clock: clock})
	_, pk := e.Partner("1688")
	create := `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } secret userErrors { code field } } }`
	if r := e.Do(pk, create, map[string]any{"input": map[string]any{"url": "https://example.com", "types": []string{"nope"}}}); r.Code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("an unknown event type accepted: %s", r.Raw)
	}
	for _, bad := range []map[string]any{{"url": "ftp://example.com/x"}, {"url": "not a url"}} {
		if codes := UserErrorCodes(e.Mutate(pk, "createWebhookEndpoint", create, bad)); !slices.Equal(codes, []string{"INVALID_INPUT"}) {
			t.Errorf("%v accepted", bad)
		}
	}
	ep := e.MustSucceed(pk, "createWebhookEndpoint", create, map[string]any{"url": "https://example.com/hooks"})
	id, first := Str(ep, "endpoint", "id"), Str(ep, "secret")
	rot := e.MustSucceed(pk, "rotateWebhookSecret", `mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret userErrors { code } } }`,
		map[string]any{"endpointId": id})
	second := Str(rot, "secret")
	if second == first || second == "" {
		t.Fatal("rotation kept the secret")
	}
	// Deliveries after a rotation are signed with the new secret and, for 24 hours, the old one.
	deliverOrderCreated := orderCreatedDelivery(t, e, pk, "https://example.com/hooks")
	deliver := func() (string, []byte) {
		out := deliverOrderCreated()
		return out.headers["KJB-Signature"], out.body
	}
	sig, body := deliver()
	for name, secret := range map[string]string{"new": second, "previous": first} {
		if !domain.VerifyWebhook(sig, body, secret, time.Now(), time.Minute) {
			t.Errorf("the %s secret does not verify %q right after the rotation", name, sig)
		}
	}
	clock.Advance(24*time.Hour + time.Second)
	sig, body = deliver()
	if !domain.VerifyWebhook(sig, body, second, time.Now(), time.Minute) || domain.VerifyWebhook(sig, body, first, time.Now(), time.Minute) {
		t.Errorf("24 hours after the rotation, %q must verify with the new secret only", sig)
	}
	_, other := e.Partner("other")
	del := `mutation($input: DeleteWebhookEndpointInput!) { deleteWebhookEndpoint(input: $input) { endpoint { id } userErrors { code } } }`
	if codes := UserErrorCodes(e.Mutate(other, "deleteWebhookEndpoint", del, map[string]any{"endpointId": id})); !slices.Equal(codes, []string{"NOT_FOUND"}) {
		t.Fatal("another partner deleted the endpoint")
	}
	e.MustSucceed(pk, "deleteWebhookEndpoint", del, map[string]any{"endpointId": id})
	if d := e.MustData(pk, `{ webhookEndpoints { id } }`, nil); len(Get(d, "webhookEndpoints").([]any)) != 0 {
		t.Fatal("deleted endpoint still listed")
	}
}

// orderCreatedDelivery creates an order for the partner and returns a function that delivers
// its order.created event to the partner's endpoint at url, as the delivery job does.
func orderCreatedDelivery(t *testing.T, e *Env, partnerKey, url string) func() capturedWebhook {
	t.Helper()
	e.Member(partnerKey, "m", nil)
	e.Supplier(partnerKey, "s", "62220000001")
	e.Order(partnerKey, "o-1", "m", "s", "10.00")
	var eventID, endpointID string
	if err := e.Pool.QueryRow(context.Background(), `SELECT (SELECT id::text FROM events WHERE type = 'order.created'),
		(SELECT id::text FROM webhook_endpoints WHERE url = $1)`, url).Scan(&eventID, &endpointID); err != nil {
		t.Fatal(err)
	}
	return func() capturedWebhook {
		t.Helper()
		var out capturedWebhook
		if err := e.Svc.DeliverWebhook(context.Background(), domain.WebhookDeliverJob{EventID: eventID, EndpointID: endpointID}, 1, &out, time.Second); err != nil {
			t.Fatal(err)
		}
		return out
	}
}

// capturedWebhook is a webhook sender that keeps the request and answers 200.
type capturedWebhook struct {
	headers map[string]string
	body    []byte
}

func (c *capturedWebhook) Send(_ context.Context, _ string, headers map[string]string, body []byte) (int, error) {
	c.headers, c.body = headers, body
	return http.StatusOK, nil
}

func TestPartnerSummary(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200110002")
	e.Fund(s.AccountID, "10000.00", "CNH")
	e.Fund(s.AccountID, "1000.00", "USD")
	o1 := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00")
	e.Pay(s.AccountKey, o1, "p1")
	o2 := e.Order(s.PartnerKey, "o-2", "buyer", "supplier", "2000.00")
	e.MustSucceed(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": o2, "method": "WORLDFIRST_BALANCE", "payCurrency": "USD", "idempotencyKey": "p2"})
	e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": o1, "amount": Money("100.00", "CNY"), "idempotencyKey": "r"})
	e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": o2})
	var po string
	_ = e.Pool.QueryRow(context.Background(), `SELECT id::text FROM payouts`).Scan(&po)
	if err := e.Svc.SubmitPayout(context.Background(), po, sandboxrail.Rail{Pool: e.Pool}); err != nil {
		t.Fatal(err)
	}
	q := `query($from: DateTime!, $to: DateTime!) { partnerSummary(from: $from, to: $to) { paymentCount paymentVolume { amount }
		fees { amount } refunds { amount } payoutsPaid { amount } payoutsPending payoutsFailed conversionVolume { amount currency } } }`
	vars := map[string]any{"from": time.Now().Add(-time.Hour).Format(time.RFC3339), "to": time.Now().Add(time.Hour).Format(time.RFC3339)}
	d := e.MustData(s.PartnerKey, q, vars)
	sum := Get(d, "partnerSummary")
	// Fees: 6.00 on o-1 less 0.60 refunded; the 0002 supplier account fails the payout.
	if Get(sum, "paymentCount") != float64(2) || Str(sum, "paymentVolume", "amount") != "3000.00" || Str(sum, "fees", "amount") != "5.40" ||
		Str(sum, "refunds", "amount") != "100.00" || Get(sum, "payoutsFailed") != float64(1) || Str(sum, "conversionVolume", 0, "currency") != "USD" {
		t.Fatalf("summary %v", sum)
	}
	if r := e.Do(s.AccountKey, q, vars); r.Code() != "FORBIDDEN" {
		t.Fatalf("an account read a partner summary: %s", r.Raw)
	}
	_, other := e.Partner("other")
	if d := e.MustData(other, q, vars); Get(d, "partnerSummary", "paymentCount") != float64(0) {
		t.Fatalf("another partner saw %v", d)
	}
}

func ptr[T any](v T) *T { return &v }

// TestBulkEventsReachSubscribers: a settlement writes its conversions' events in one statement
// (announced as a range); a subscriber gets each of them exactly once.
func TestBulkEventsReachSubscribers(t *testing.T) {
	t.Parallel()
	e := New(t)
	id, key := e.Account("Bulk")
	e.Fund(id, "1000.00", "USD")
	for i := range 20 {
		q := e.Quote(key, id, "USD", "CNH", "10.00")
		e.MustSucceed(key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": fmt.Sprint("b", i)})
	}
	sub, err := e.Dial(e.Server, key)
	if err != nil {
		t.Fatal(err)
	}
	_ = sub.Start(`subscription($id: ID!) { accountEvents(accountId: $id) { id type } }`, map[string]any{"id": id})
	e.WaitSubscribers(e.Server, 1)
	if _, err := e.Svc.SettleFX(context.Background(), time.Now().Add(time.Minute), sandboxliquidity.Provider{Pool: e.Pool}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for len(seen) < 20 {
		d, err := sub.Next()
		if err != nil || d == nil {
			t.Fatalf("after %d events: %v", len(seen), err)
		}
		// A booking committed just before the subscription started may still be on its way
		// through the fan-out; only the settlements are this test's business.
		if typ := Str(d, "accountEvents", "type"); typ == "CONVERSION_BOOKED" {
			continue
		} else if typ != "CONVERSION_SETTLED" || seen[Str(d, "accountEvents", "id")] {
			t.Fatalf("unexpected or repeated %v", d)
		}
		seen[Str(d, "accountEvents", "id")] = true
	}
}

// TestWebhookSignedAtWallClock: with the sandbox clock an hour back, a delivery is signed at
// the wall clock's time, so a receiver using Stripe's verifier (as the README says) accepts it,
// while occurredAt in the body stays on the sandbox clock.
func TestWebhookSignedAtWallClock(t *testing.T) {
	t.Parallel()
	e := New(t, Options{SandboxClock: true})
	hourAgo := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	e.MustData(e.Operator, `mutation($now: DateTime!) { setSandboxClock(input: {now: $now}) { now } }`,
		map[string]any{"now": hourAgo.Format(time.RFC3339)})
	_, pk := e.Partner("1688")
	ep := e.MustSucceed(pk, "createWebhookEndpoint", `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } secret userErrors { code } } }`,
		map[string]any{"url": "https://example.com/hooks", "types": []string{"ORDER_CREATED"}})
	out := orderCreatedDelivery(t, e, pk, "https://example.com/hooks")()
	if err := webhook.ValidatePayload(out.body, out.headers["KJB-Signature"], Str(ep, "secret")); err != nil {
		t.Fatalf("stripe-go refuses %q: %v", out.headers["KJB-Signature"], err)
	}
	var body struct {
		OccurredAt time.Time `json:"occurredAt"`
	}
	if err := json.Unmarshal(out.body, &body); err != nil {
		t.Fatal(err)
	}
	if d := body.OccurredAt.Sub(hourAgo); d < 0 || d > 10*time.Minute {
		t.Fatalf("occurredAt %s is not on the sandbox clock (set to %s)", body.OccurredAt, hourAgo)
	}
}

// TestOperatorsReadEveryPartnersWebhooks: an operator lists every partner's endpoints with
// their delivery logs and reads one by node(id:); a partner still sees only its own, and an
// account none.
func TestOperatorsReadEveryPartnersWebhooks(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("62220000001")
	_, other := e.Partner("other")
	create := `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } userErrors { code } } }`
	mine := Str(e.MustSucceed(s.PartnerKey, "createWebhookEndpoint", create, map[string]any{"url": "https://example.com/1688"}), "endpoint", "id")
	theirs := Str(e.MustSucceed(other, "createWebhookEndpoint", create, map[string]any{"url": "https://example.com/other"}), "endpoint", "id")
	orderCreatedDelivery(t, e, s.PartnerKey, "https://example.com/1688")()
	list := `{ webhookEndpoints { id url deliveries { edges { node { eventType statusCode } } } } }`
	urls := func(key string) map[string]int {
		t.Helper()
		out := map[string]int{}
		for _, w := range Get(e.MustData(key, list, nil), "webhookEndpoints").([]any) {
			out[Str(w, "url")] = len(Get(w, "deliveries", "edges").([]any))
		}
		return out
	}
	if got := urls(e.Operator); len(got) != 2 || got["https://example.com/1688"] != 1 || got["https://example.com/other"] != 0 {
		t.Errorf("operator lists %v, want both partners' endpoints and the one delivery", got)
	}
	if got := urls(s.PartnerKey); len(got) != 1 || got["https://example.com/1688"] != 1 {
		t.Errorf("partner 1688 lists %v, want its own endpoint only", got)
	}
	if got := urls(other); len(got) != 1 || got["https://example.com/other"] != 0 {
		t.Errorf("partner other lists %v, want its own endpoint only", got)
	}
	if r := e.Do(s.AccountKey, list, nil); r.Code() != "FORBIDDEN" {
		t.Errorf("an account listed webhook endpoints: %s", r.Raw)
	}
	node := `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { url } } }`
	for _, c := range []struct {
		who, key, id, want string
	}{
		{"operator", e.Operator, mine, "https://example.com/1688"},
		{"operator", e.Operator, theirs, "https://example.com/other"},
		{"partner 1688", s.PartnerKey, mine, "https://example.com/1688"},
		{"partner 1688", s.PartnerKey, theirs, ""},
		{"partner other", other, mine, ""},
		{"account", s.AccountKey, mine, ""},
	} {
		d := e.MustData(c.key, node, map[string]any{"id": c.id})
		if got, _ := Get(d, "node", "url").(string); got != c.want {
			t.Errorf("%s reads node(%s) as %v, want %q", c.who, c.id, d, c.want)
		}
	}
}
