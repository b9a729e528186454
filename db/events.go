package db

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/domain"
)

const eventColumns = `id, type, occurred_at, coalesce(account_id::text, ''), coalesce(partner_id::text, ''), object_type, object_id, coalesce(payment_id::text, ''), coalesce(link_code, '')`

func scanEvent(row pgx.Row) (domain.Event, error) {
	var e domain.Event
	err := row.Scan(&e.ID, &e.Type, &e.OccurredAt, &e.AccountID, &e.PartnerID, &e.ObjectType, &e.ObjectID, &e.PaymentID, &e.LinkCode)
	return e, translate(err)
}

func (t *txStore) RecordEvents(ctx context.Context, events []domain.Event) error {
	n := len(events)
	ids, types, accounts, partners, objTypes, objIDs, payments := make([]string, n), make([]string, n), make([]*string, n),
		make([]*string, n), make([]string, n), make([]string, n), make([]*string, n)
	codes := make([]*string, n)
	var at time.Time
	for i := range events {
		events[i].ID = newID()
		e := events[i]
		ids[i], types[i], accounts[i], partners[i], objTypes[i], objIDs[i], payments[i] =
			e.ID, e.Type, nullable(e.AccountID), nullable(e.PartnerID), e.ObjectType, e.ObjectID, nullable(e.PaymentID)
		codes[i] = nullable(e.LinkCode)
		at = e.OccurredAt
	}
	t.tx.deferExec(`INSERT INTO events (id, type, occurred_at, account_id, partner_id, object_type, object_id, payment_id, link_code)
		SELECT id, type, $8, account_id, partner_id, object_type, object_id, payment_id, link_code
		FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::uuid[], $7::uuid[], $9::text[])
			WITH ORDINALITY AS e(id, type, account_id, partner_id, object_type, object_id, payment_id, link_code, n) ORDER BY n`,
		ids, types, accounts, partners, objTypes, objIDs, payments, at, codes)
	return nil
}

func (q queries) Events(ctx context.Context, scope domain.Scope, types []string, page domain.Page) ([]domain.Event, error) {
	var after *int64
	if page.After != "" {
		v, ok := parseInt64(page.After)
		if !ok {
			return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
		}
		after = &v
	}
	var l listSQL
	l.scope(scope, "partner_id", "account_id", "")
	if len(types) > 0 {
		l.and("type = ANY(%s)", types)
	}
	if after != nil {
		l.and("seq < %s", *after)
	}
	rows, err := q.q.Query(ctx, `SELECT `+eventColumns+`, seq FROM events`+l.clause()+` ORDER BY seq DESC LIMIT `+l.arg(page.First+1), l.args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Event, error) {
		var e domain.Event
		var seq int64
		err := r.Scan(&e.ID, &e.Type, &e.OccurredAt, &e.AccountID, &e.PartnerID, &e.ObjectType, &e.ObjectID, &e.PaymentID, &e.LinkCode, &seq)
		e.Cursor = strconv.FormatInt(seq, 10)
		return e, err
	})
}

func (q queries) Event(ctx context.Context, id string, scope domain.Scope) (domain.Event, error) {
	if !validUUID(id) {
		return domain.Event{}, domain.NotFound("event", nil)
	}
	all, partner, account := scopeArgs(scope)
	return scanEvent(q.q.QueryRow(ctx, `SELECT `+eventColumns+` FROM events WHERE id = $1 AND ($2 OR partner_id = $3 OR account_id = $4)`,
		id, all, partner, account))
}

func (t *txStore) PruneEvents(ctx context.Context, before time.Time) (int, error) {
	tag, err := t.tx.Exec(ctx, `DELETE FROM events WHERE occurred_at < $1`, before)
	return int(tag.RowsAffected()), translate(err)
}

func (t *txStore) PruneIdempotencyKeys(ctx context.Context, before, deliveries time.Time, limit int) (int, error) {
	tag, err := t.tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE (principal, key) IN (
		SELECT principal, key FROM idempotency_keys WHERE created_at < $1 LIMIT $2)`, before, limit)
	if err != nil {
		return 0, translate(err)
	}
	n := int(tag.RowsAffected())
	tag, err = t.tx.Exec(ctx, `DELETE FROM webhook_deliveries WHERE id IN (
		SELECT id FROM webhook_deliveries WHERE created_at < $1 LIMIT $2)`, deliveries, limit)
	return n + int(tag.RowsAffected()), translate(err)
}

const endpointColumns = `id, partner_id, url, types, secret, previous_secret, previous_expires_at, created_at`

func (q queries) scanEndpoint(row pgx.Row) (domain.WebhookEndpoint, error) {
	var w domain.WebhookEndpoint
	err := row.Scan(&w.ID, &w.PartnerID, &w.URL, &w.Types, &w.Secret, &w.PreviousSecret, &w.PreviousExpiresAt, &w.CreatedAt)
	if err != nil {
		return w, translate(err)
	}
	err = q.openSecrets(&w.Secret, &w.PreviousSecret)
	return w, err
}

func (q queries) WebhookEndpoints(ctx context.Context, scope domain.Scope) ([]domain.WebhookEndpoint, error) {
	rows, err := q.q.Query(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints
		WHERE deleted_at IS NULL AND ($1 OR partner_id = $2) ORDER BY id`, scope.All, nullable(scope.PartnerID))
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.WebhookEndpoint, error) { return q.scanEndpoint(r) })
}

func (q queries) WebhookEndpoint(ctx context.Context, id string, scope domain.Scope) (domain.WebhookEndpoint, error) {
	if !validUUID(id) {
		return domain.WebhookEndpoint{}, domain.NotFound("webhook endpoint", nil)
	}
	return q.scanEndpoint(q.q.QueryRow(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints
		WHERE id = $1 AND deleted_at IS NULL AND ($2 OR partner_id = $3)`, id, scope.All, nullable(scope.PartnerID)))
}

func (t *txStore) InsertWebhookEndpoint(ctx context.Context, w *domain.WebhookEndpoint) error {
	w.ID = newID()
	if w.Types == nil {
		w.Types = []string{}
	}
	secret, err := t.seal(w.Secret)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(ctx, `INSERT INTO webhook_endpoints (id, partner_id, url, types, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		w.ID, w.PartnerID, w.URL, w.Types, secret, w.CreatedAt)
	return translate(err)
}

func (t *txStore) UpdateWebhookSecrets(ctx context.Context, w domain.WebhookEndpoint) error {
	secret, err := t.seal(w.Secret)
	if err != nil {
		return err
	}
	previous, err := t.seal(w.PreviousSecret)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(ctx, `UPDATE webhook_endpoints SET secret = $2, previous_secret = $3, previous_expires_at = $4 WHERE id = $1`,
		w.ID, secret, previous, w.PreviousExpiresAt)
	return translate(err)
}

func (t *txStore) DeleteWebhookEndpoint(ctx context.Context, id string, at time.Time) error {
	_, err := t.tx.Exec(ctx, `UPDATE webhook_endpoints SET deleted_at = $2 WHERE id = $1`, id, at)
	return translate(err)
}

func (t *txStore) InsertWebhookDelivery(ctx context.Context, d *domain.WebhookDelivery) error {
	d.ID = newID()
	t.tx.deferExec(`INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, attempt, status_code, duration_ms, error, next_retry_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, d.ID, d.EndpointID, d.EventID, d.EventType, d.Attempt, d.StatusCode,
		d.Duration.Milliseconds(), d.Error, d.NextRetryAt, d.CreatedAt)
	return nil
}

func (q queries) WebhookDeliveries(ctx context.Context, endpointID string, page domain.Page) ([]domain.WebhookDelivery, error) {
	if page.After != "" && !validUUID(page.After) {
		return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
	}
	rows, err := q.q.Query(ctx, `SELECT `+deliveryColumns+`
		FROM webhook_deliveries WHERE endpoint_id = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
		endpointID, nullable(page.After), page.First+1)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanDelivery)
}

func (q queries) WebhookDelivery(ctx context.Context, id string, scope domain.Scope) (domain.WebhookDelivery, error) {
	if !validUUID(id) {
		return domain.WebhookDelivery{}, domain.NotFound("webhook delivery", nil)
	}
	rows, err := q.q.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE id = $1 AND ($2 OR endpoint_id IN (SELECT id FROM webhook_endpoints WHERE partner_id = $3))`,
		id, scope.All, nullable(scope.PartnerID))
	if err != nil {
		return domain.WebhookDelivery{}, err
	}
	d, err := pgx.CollectExactlyOneRow(rows, scanDelivery)
	return d, translate(err)
}

const deliveryColumns = `id, endpoint_id, event_id, event_type, attempt, status_code, duration_ms, error, next_retry_at, created_at`

func scanDelivery(r pgx.CollectableRow) (domain.WebhookDelivery, error) {
	var d domain.WebhookDelivery
	var ms int64
	err := r.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.EventType, &d.Attempt, &d.StatusCode, &ms, &d.Error, &d.NextRetryAt, &d.CreatedAt)
	d.Duration = time.Duration(ms) * time.Millisecond
	return d, err
}

// PartnerSummary reads the period's figures by time within the partner (operators: over all
// partners): each statement's cost follows the period's rows, never all time.
func (q queries) PartnerSummary(ctx context.Context, scope domain.Scope, from, to time.Time) (domain.PartnerSummary, error) {
	s := domain.PartnerSummary{PaymentVolume: domain.Money{Currency: domain.CNY}, Fees: domain.Money{Currency: domain.CNH},
		Refunds: domain.Money{Currency: domain.CNY}, PayoutsPaid: domain.Money{Currency: domain.CNY}}
	// $1 and $2 are the period; $3, when the scope is a partner's, the partner.
	args := []any{from, to}
	partner := func(col string) string { return "true" }
	switch {
	case scope.All:
	case scope.PartnerID != "":
		args = append(args, scope.PartnerID)
		partner = func(col string) string { return col + " = $3" }
	default:
		return s, nil
	}
	err := q.q.QueryRow(ctx, `SELECT count(*), coalesce(sum(amount), 0),
			coalesce(sum(coalesce(standard_fee, 0) + coalesce(service_fee, 0) - refunded_fees), 0)
		FROM payments WHERE `+partner("partner_id")+` AND created_at >= $1 AND created_at < $2`, args...).
		Scan(&s.PaymentCount, &s.PaymentVolume.Amount, &s.Fees.Amount)
	if err != nil {
		return s, translate(err)
	}
	err = q.q.QueryRow(ctx, `SELECT coalesce(sum(r.amount), 0) FROM refunds r JOIN payments p ON p.id = r.payment_id
		WHERE `+partner("p.partner_id")+` AND r.created_at >= $1 AND r.created_at < $2`, args...).Scan(&s.Refunds.Amount)
	if err != nil {
		return s, translate(err)
	}
	err = q.q.QueryRow(ctx, `SELECT coalesce(sum(amount), 0) FROM payouts
		WHERE `+partner("partner_id")+` AND status = 'PAID' AND paid_at >= $1 AND paid_at < $2`, args...).Scan(&s.PayoutsPaid.Amount)
	if err != nil {
		return s, translate(err)
	}
	// Open payouts are few whatever the history: counted on their partial index.
	err = q.q.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status IN ('PENDING', 'SUBMITTED')), count(*) FILTER (WHERE status = 'FAILED')
		FROM payouts WHERE `+partner("partner_id")+` AND status IN ('PENDING', 'SUBMITTED', 'FAILED') AND $1::timestamptz <= $2`, args...).
		Scan(&s.PayoutsPending, &s.PayoutsFailed)
	if err != nil {
		return s, translate(err)
	}
	rows, err := q.q.Query(ctx, `SELECT c.sell_currency, sum(c.sell_amount) FROM payments p JOIN conversions c ON c.id = p.conversion_id
		WHERE `+partner("p.partner_id")+` AND p.created_at >= $1 AND p.created_at < $2 GROUP BY c.sell_currency ORDER BY c.sell_currency`, args...)
	if err != nil {
		return s, err
	}
	s.ConversionVolume, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Money, error) {
		var m domain.Money
		err := r.Scan(&m.Currency, &m.Amount)
		return m, err
	})
	return s, err
}

// catchUpWindow is how far before a lost listener connection the events table is read again
// on reconnect: longer than any transaction that records events runs.
const catchUpWindow = 30 * time.Second

// ListenEvents delivers every committed event, in commit order, to publish until ctx ends. It
// holds one connection in LISTEN on kjb_events and reconnects after a failure (a restart, a
// failover); then it reads back from the events table what was committed meanwhile, so no
// event is missed and none is delivered twice.
func ListenEvents(ctx context.Context, pool *pgxpool.Pool, publish func(domain.Event), onError func(error)) {
	seen := newRecent(100000)
	deliver := func(e domain.Event) {
		if seen.add(e.ID) {
			publish(e)
		}
	}
	var lost time.Time
	for ctx.Err() == nil {
		err := listenOnce(ctx, pool, deliver, lost)
		if ctx.Err() != nil {
			return
		}
		lost = time.Now()
		onError(err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// listenOnce listens until its connection fails. After a lost connection (lost set) it first
// delivers what committed since shortly before the loss; deliver skips what it has seen.
func listenOnce(ctx context.Context, pool *pgxpool.Pool, deliver func(domain.Event), lost time.Time) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `LISTEN kjb_events`); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `UNLISTEN kjb_events`) //nolint:errcheck
	if !lost.IsZero() {
		rows, err := conn.Query(ctx, `SELECT `+eventColumns+` FROM events WHERE occurred_at >= $1 ORDER BY seq`, lost.Add(-catchUpWindow))
		if err != nil {
			return err
		}
		missed, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Event, error) { return scanEvent(row) })
		if err != nil {
			return err
		}
		for _, e := range missed {
			deliver(e)
		}
	}
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if strings.HasPrefix(n.Payload, "[") {
			var list []notifiedEvent
			if json.Unmarshal([]byte(n.Payload), &list) != nil {
				continue
			}
			for _, p := range list {
				deliver(p.event())
			}
			continue
		}
		// A bulk insert: read its range back. The range may hold another transaction's events:
		// those committed are delivered once (seen), those not yet committed come with their own
		// notification.
		var r struct{ From, To int64 }
		if json.Unmarshal([]byte(n.Payload), &r) != nil {
			continue
		}
		rows, err := conn.Query(ctx, `SELECT `+eventColumns+` FROM events WHERE seq BETWEEN $1 AND $2 ORDER BY seq`, r.From, r.To)
		if err != nil {
			return err
		}
		events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Event, error) { return scanEvent(row) })
		if err != nil {
			return err
		}
		for _, e := range events {
			deliver(e)
		}
	}
}

type notifiedEvent struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	OccurredAt time.Time `json:"occurred_at"`
	AccountID  *string   `json:"account_id"`
	PartnerID  *string   `json:"partner_id"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	PaymentID  *string   `json:"payment_id"`
}

func (p notifiedEvent) event() domain.Event {
	return domain.Event{ID: p.ID, Type: p.Type, OccurredAt: p.OccurredAt, AccountID: deref(p.AccountID), PartnerID: deref(p.PartnerID),
		ObjectType: p.ObjectType, ObjectID: p.ObjectID, PaymentID: deref(p.PaymentID)}
}

// recent remembers the last n ids delivered, so an event is never published twice.
type recent struct {
	ids  map[string]struct{}
	ring []string
	next int
}

func newRecent(n int) *recent {
	return &recent{ids: make(map[string]struct{}, n), ring: make([]string, n)}
}

// add reports whether id is new, remembering it.
func (r *recent) add(id string) bool {
	if _, ok := r.ids[id]; ok {
		return false
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.ids, old)
	}
	r.ring[r.next] = id
	r.next = (r.next + 1) % len(r.ring)
	r.ids[id] = struct{}{}
	return true
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
