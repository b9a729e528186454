package db

import (
	"context"
	"encoding/json"
	"errors"
	"math"
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
	var order, limit string
	// A partner's or an account's feed is read in the order of its own index, (partner_id, seq)
	// or (account_id, seq), so the plan walks only its own events. Ordered by seq alone, the
	// planner may walk the seq index and filter, skipping every newer event of the others: tens
	// of thousands right after a month's close, before the partition's statistics know of them.
	// An equality would make the owner a constant, which the planner drops from the order. So
	// the owner and the cursor are one row comparison, (owner, seq) < (id, cursor), with owner
	// >= id: the same rows as owner = id AND seq < cursor (the first page's cursor is past every
	// seq), with the owner kept in the order. Written so, the generic plan's estimate is a fair
	// share of the rows (a closed range on the owner gets 0.5%, which makes a page of it look
	// dear), so with the page size written in (writtenLimit), PostgreSQL keeps the generic plan
	// instead of planning every read over the 16 weekly partitions that 90 days take: on 10M
	// payments a partner's page took 0.73–1.10 ms planned each time and takes 0.26–0.50 ms
	// (pgbench -M prepared; 0.23–0.38 ms both ways on 1,000 payments).
	owner, id := "", ""
	switch {
	case !scope.All && scope.PartnerID != "":
		owner, id = "partner_id", scope.PartnerID
	case !scope.All && scope.AccountID != "":
		owner, id = "account_id", scope.AccountID
	}
	if owner != "" {
		before := int64(math.MaxInt64)
		if after != nil {
			before = *after
		}
		l.and("("+owner+", seq) < (%s, %s) AND "+owner+" >= %s", id, before, id)
		order, limit = owner+" DESC, seq DESC", writtenLimit(page.First+1)
	} else {
		l.scope(scope, "partner_id", "account_id", "")
		if after != nil {
			l.and("seq < %s", *after)
		}
		order, limit = "seq DESC", ` LIMIT `+l.arg(page.First+1)
	}
	if len(types) > 0 {
		l.and("type = ANY(%s)", types)
	}
	rows, err := q.q.Query(ctx, `SELECT `+eventColumns+`, seq FROM events`+l.clause()+` ORDER BY `+order+limit, l.args...)
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

// checkpointEvery is how often a connected listener moves its catch-up mark forward.
const checkpointEvery = 5 * time.Second

// ListenEvents delivers every committed event, in commit order, to publish until ctx ends. It
// holds one connection in LISTEN on kjb_events and reconnects after a failure (a restart, a
// failover); then it reads back from the events table what was committed meanwhile, so no
// event is missed and none is delivered twice.
//
// The read-back is ordered by the events' sequence numbers, not by time: it reads every event
// above a mark below which every event is already delivered (or committed before the listener
// started, or never will be). Sequence numbers are drawn before commit, so an event below the
// highest one seen may still be in flight; the mark therefore only moves to a checkpoint's
// sequence value once every transaction that could hold a number up to it has ended and the
// notifications of all of them have arrived. A checkpoint reads the sequence's last value, then
// takes a transaction id of its own and notifies the listener's own marker channel as it
// commits. Every transaction holding a number up to that value took its id before drawing it
// (migration 0041), so before the checkpoint's: once a later checkpoint's snapshot has an xmin
// at or above the checkpoint's id, they have all ended, and the arrival of that later
// checkpoint's marker means every notification queued before it has arrived too. A checkpoint
// commits a transaction id, so its commit flushes (and, with synchronous replication,
// replicates) the sequence's state up to the mark: a promoted standby does not draw those
// numbers again.
func ListenEvents(ctx context.Context, pool *pgxpool.Pool, publish func(domain.Event), onError func(error)) {
	listenEvents(ctx, pool, publish, onError, checkpointEvery, func(int64) {})
}

// listenEvents is ListenEvents checkpointing every interval; onMark sees low after each
// checkpoint confirmed once low is set.
func listenEvents(ctx context.Context, pool *pgxpool.Pool, publish func(domain.Event), onError func(error),
	every time.Duration, onMark func(low int64)) {
	l := &listener{publish: publish, recent: newRecent(100000), gens: []map[string]struct{}{{}}, every: every, onMark: onMark}
	for ctx.Err() == nil {
		err := l.listenOnce(ctx, pool)
		if ctx.Err() != nil {
			return
		}
		onError(err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

type listener struct {
	publish func(domain.Event)
	every   time.Duration
	onMark  func(int64)
	// recent guards against a notification replayed to a new LISTEN from the server's queue.
	recent *recent
	// marked: low is set. Every event with seq <= low is delivered, predates the listener or
	// never commits. On the first connection it is set once the transactions running at its
	// first checkpoint have ended (checkpoints are 100 ms apart until then); a connection lost
	// before that starts over without a read-back.
	marked bool
	low    int64
	// gens holds the ids delivered since the checkpoint that set low, one set per checkpoint
	// interval; gen0 is the number of gens[0].
	gens []map[string]struct{}
	gen0 int
	// checkpoints taken on the current connection and not yet used to move low.
	checkpoints []checkpoint
	taken       int64
}

type checkpoint struct {
	n    int64
	seq  int64
	xid  uint64 // the checkpoint's own transaction id, above those of every holder of seq
	xmin uint64 // its snapshot's: every transaction id below it had ended
	gen  int    // ids delivered before the checkpoint are in earlier gens
}

func (l *listener) deliver(e domain.Event) {
	for _, g := range l.gens {
		if _, ok := g[e.ID]; ok {
			return
		}
	}
	if !l.recent.add(e.ID) {
		return
	}
	l.gens[len(l.gens)-1][e.ID] = struct{}{}
	l.publish(e)
}

// listenOnce listens until its connection fails. On a new connection with low set, it first
// delivers what committed above low; deliver skips what it has seen.
func (l *listener) listenOnce(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	marker := "kjb_events_mark_" + strconv.FormatUint(uint64(conn.Conn().PgConn().PID()), 10)
	if _, err := conn.Exec(ctx, `LISTEN kjb_events; LISTEN `+marker); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `UNLISTEN *`) //nolint:errcheck
	// Checkpoints of another connection may compare transaction ids of another server.
	l.checkpoints = nil
	if l.marked {
		if err := l.readBack(ctx, conn.Conn(), `seq > $1`, l.low); err != nil {
			return err
		}
	}
	next := time.Now()
	for {
		if !time.Now().Before(next) {
			if err := l.checkpoint(ctx, conn.Conn(), marker); err != nil {
				return err
			}
			next = time.Now().Add(l.every)
		}
		wait, cancel := context.WithDeadline(ctx, next)
		n, err := conn.Conn().WaitForNotification(wait)
		cancel()
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) && !conn.Conn().IsClosed() {
				continue
			}
			return err
		}
		switch {
		case n.Channel == marker:
			if !l.confirm(n.Payload) {
				continue
			}
			if l.marked {
				l.onMark(l.low)
			} else {
				next = time.Now().Add(min(l.every, 100*time.Millisecond)) // until low is set
			}
		case strings.HasPrefix(n.Payload, "["):
			var list []notifiedEvent
			if json.Unmarshal([]byte(n.Payload), &list) != nil {
				continue
			}
			for _, p := range list {
				l.deliver(p.event())
			}
		default:
			// A bulk insert: read its range back. The range may hold another transaction's
			// events: those committed are delivered once, those not yet committed come with
			// their own notification.
			var r struct{ From, To int64 }
			if json.Unmarshal([]byte(n.Payload), &r) != nil {
				continue
			}
			if err := l.readBack(ctx, conn.Conn(), `seq BETWEEN $1 AND $2`, r.From, r.To); err != nil {
				return err
			}
		}
	}
}

func (l *listener) readBack(ctx context.Context, conn *pgx.Conn, where string, args ...any) error {
	rows, err := conn.Query(ctx, `SELECT `+eventColumns+` FROM events WHERE `+where+` ORDER BY seq`, args...)
	if err != nil {
		return err
	}
	events, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Event, error) { return scanEvent(row) })
	if err != nil {
		return err
	}
	for _, e := range events {
		l.deliver(e)
	}
	return nil
}

// checkpoint reads the events sequence, then (in a later statement) its snapshot's xmin and a
// transaction id of its own, and notifies the marker channel when that statement commits.
func (l *listener) checkpoint(ctx context.Context, conn *pgx.Conn, marker string) error {
	c := checkpoint{n: l.taken + 1}
	if err := conn.QueryRow(ctx, `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('events', 'seq')::regclass), 0)`).
		Scan(&c.seq); err != nil {
		return err
	}
	l.gens = append(l.gens, map[string]struct{}{})
	c.gen = l.gen0 + len(l.gens) - 1
	var xmin, xid string
	if err := conn.QueryRow(ctx, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text, pg_current_xact_id()::text
		FROM pg_notify($1, $2)`, marker, strconv.FormatInt(c.n, 10)).Scan(&xmin, &xid); err != nil {
		return err
	}
	c.xmin, _ = strconv.ParseUint(xmin, 10, 64)
	c.xid, _ = strconv.ParseUint(xid, 10, 64)
	l.taken = c.n
	l.checkpoints = append(l.checkpoints, c)
	return nil
}

// confirm handles the marker of checkpoint n: low moves to the newest earlier checkpoint whose
// transactions had all ended by checkpoint n's snapshot. It reports whether n was known.
func (l *listener) confirm(payload string) bool {
	n, err := strconv.ParseInt(payload, 10, 64)
	if err != nil {
		return false
	}
	at := -1
	for i, c := range l.checkpoints {
		if c.n == n {
			at = i
		}
	}
	if at < 0 {
		return false
	}
	confirmed := l.checkpoints[at]
	for i := at - 1; i >= 0; i-- {
		c := l.checkpoints[i]
		if c.xid > confirmed.xmin {
			continue
		}
		if !l.marked || c.seq > l.low {
			l.marked, l.low = true, c.seq
		}
		l.gens = l.gens[c.gen-l.gen0:]
		l.gen0 = c.gen
		l.checkpoints = l.checkpoints[i+1:]
		break
	}
	return true
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
