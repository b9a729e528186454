package db

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

func scanRecord(r pgx.CollectableRow) (domain.Record, error) {
	var rec domain.Record
	err := r.Scan(&rec.ID, &rec.Amount.Currency, &rec.Amount.Amount, &rec.Counter.Currency, &rec.Counter.Amount, &rec.Status, &rec.Reference)
	return rec, err
}

func (q queries) PayoutRecords(ctx context.Context, from, to time.Time, ids []string) ([]domain.Record, error) {
	rows, err := q.q.Query(ctx, `SELECT id::text, currency, amount, '', 0::numeric,
			CASE status WHEN 'PAID' THEN 'PAID' WHEN 'FAILED' THEN 'FAILED' ELSE 'PENDING' END, rail_reference
		FROM payouts WHERE status <> 'PENDING' AND created_at >= $1 AND created_at < $2
		UNION
		SELECT id::text, currency, amount, '', 0::numeric, CASE status WHEN 'PAID' THEN 'PAID' WHEN 'FAILED' THEN 'FAILED' ELSE 'PENDING' END, rail_reference
		FROM payouts WHERE status = 'PAID' AND paid_at >= $1 AND paid_at < $2
		UNION
		SELECT id::text, currency, amount, '', 0::numeric, CASE status WHEN 'PAID' THEN 'PAID' WHEN 'FAILED' THEN 'FAILED' ELSE 'PENDING' END, rail_reference
		FROM payouts WHERE id = ANY($3::uuid[])`, from, to, ids)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, scanRecord)
}

func (q queries) SettlementRecords(ctx context.Context, from, to time.Time, ids []string) ([]domain.Record, error) {
	rows, err := q.q.Query(ctx, `SELECT id::text, base, base_net, quote, coalesce(quote_amount, 0), status, coalesce(provider_ref, '')
		FROM fx_settlements WHERE status = 'SETTLED' AND base_net <> 0 AND settled_at >= $1 AND settled_at < $2
		UNION
		SELECT id::text, base, base_net, quote, coalesce(quote_amount, 0), status, coalesce(provider_ref, '')
		FROM fx_settlements WHERE id = ANY($3::uuid[])`, from, to, ids)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, scanRecord)
}

// breakSide is a record as stored in a break (amounts as strings: exact).
type breakSide struct {
	Amount          string `json:"amount"`
	Currency        string `json:"currency"`
	CounterAmount   string `json:"counterAmount,omitempty"`
	CounterCurrency string `json:"counterCurrency,omitempty"`
	Status          string `json:"status"`
	Reference       string `json:"reference"`
}

func encodeSide(r *domain.Record) []byte {
	if r == nil {
		return nil
	}
	s := breakSide{Amount: r.Amount.Amount.String(), Currency: string(r.Amount.Currency), Status: r.Status, Reference: r.Reference}
	if r.Counter.Currency != "" {
		s.CounterAmount, s.CounterCurrency = r.Counter.Amount.String(), string(r.Counter.Currency)
	}
	b, _ := json.Marshal(s)
	return b
}

func decodeSide(id string, b []byte) (*domain.Record, error) {
	if b == nil {
		return nil, nil
	}
	var s breakSide
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	r := &domain.Record{ID: id, Status: s.Status, Reference: s.Reference}
	var err error
	if r.Amount.Amount, err = decimal.NewFromString(s.Amount); err != nil {
		return nil, err
	}
	r.Amount.Currency = domain.Currency(s.Currency)
	if s.CounterCurrency != "" {
		if r.Counter.Amount, err = decimal.NewFromString(s.CounterAmount); err != nil {
			return nil, err
		}
		r.Counter.Currency = domain.Currency(s.CounterCurrency)
	}
	return r, nil
}

const breakColumns = `id::text, to_char(day, 'YYYY-MM-DD'), counterparty, object_id, problem, ours, theirs, status, note, resolved_at, created_at`

func scanBreak(r pgx.CollectableRow) (domain.ReconciliationBreak, error) {
	var b domain.ReconciliationBreak
	var ours, theirs []byte
	if err := r.Scan(&b.ID, &b.Day, &b.Counterparty, &b.ObjectID, &b.Problem, &ours, &theirs, &b.Status, &b.Note, &b.ResolvedAt, &b.CreatedAt); err != nil {
		return b, err
	}
	var err error
	if b.Ours, err = decodeSide(b.ObjectID, ours); err != nil {
		return b, err
	}
	b.Theirs, err = decodeSide(b.ObjectID, theirs)
	return b, err
}

func (t *txStore) InsertBreaks(ctx context.Context, bs []domain.ReconciliationBreak, at time.Time) ([]domain.ReconciliationBreak, error) {
	if len(bs) == 0 {
		return nil, nil
	}
	n := len(bs)
	ids, days, cps, objs, problems := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	ours, theirs := make([]*string, n), make([]*string, n)
	for i, b := range bs {
		ids[i], days[i], cps[i], objs[i], problems[i] = newID(), b.Day, string(b.Counterparty), b.ObjectID, string(b.Problem)
		if o := encodeSide(b.Ours); o != nil {
			s := string(o)
			ours[i] = &s
		}
		if o := encodeSide(b.Theirs); o != nil {
			s := string(o)
			theirs[i] = &s
		}
	}
	rows, err := t.tx.Query(ctx, `INSERT INTO reconciliation_breaks (id, day, counterparty, object_id, problem, ours, theirs, status, created_at)
		SELECT id, day::date, cp, obj, problem, ours::jsonb, theirs::jsonb, 'OPEN', $8
		FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS b(id, day, cp, obj, problem, ours, theirs)
		ORDER BY cp, obj, problem
		ON CONFLICT (counterparty, object_id, problem) DO NOTHING
		RETURNING `+breakColumns, ids, days, cps, objs, problems, ours, theirs, at)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, scanBreak)
}

func (t *txStore) ResolveBreak(ctx context.Context, id, note string, at time.Time) (domain.ReconciliationBreak, error) {
	b, err := t.ReconciliationBreak(ctx, id)
	if err != nil {
		return b, err
	}
	if b.Status != domain.BreakOpen {
		return b, domain.Errorf(domain.CodeInvalidState, domain.Field("id"), "the break is resolved already")
	}
	rows, err := t.tx.Query(ctx, `UPDATE reconciliation_breaks SET status = 'RESOLVED', note = $2, resolved_at = $3
		WHERE id = $1 AND status = 'OPEN' RETURNING `+breakColumns, id, note, at)
	if err != nil {
		return b, translate(err)
	}
	out, err := pgx.CollectExactlyOneRow(rows, scanBreak)
	if err == pgx.ErrNoRows {
		return b, domain.Errorf(domain.CodeInvalidState, domain.Field("id"), "the break is resolved already")
	}
	return out, translate(err)
}

func (q queries) ReconciliationBreak(ctx context.Context, id string) (domain.ReconciliationBreak, error) {
	if !validUUID(id) {
		return domain.ReconciliationBreak{}, domain.NotFound("reconciliation break", nil)
	}
	rows, err := q.q.Query(ctx, `SELECT `+breakColumns+` FROM reconciliation_breaks WHERE id = $1`, id)
	if err != nil {
		return domain.ReconciliationBreak{}, translate(err)
	}
	b, err := pgx.CollectExactlyOneRow(rows, scanBreak)
	return b, translate(err)
}

func (q queries) ReconciliationBreaks(ctx context.Context, status domain.BreakStatus, page domain.Page) ([]domain.ReconciliationBreak, error) {
	var after *string
	if page.After != "" {
		if !validUUID(page.After) {
			return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
		}
		after = &page.After
	}
	var st *string
	if status != "" {
		s := string(status)
		st = &s
	}
	rows, err := q.q.Query(ctx, `SELECT `+breakColumns+` FROM reconciliation_breaks
		WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`, st, after, page.First+1)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, scanBreak)
}
