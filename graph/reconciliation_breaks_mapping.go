package graph

import (
	"context"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
)

func (r *Resolver) reconciliationBreak(ctx context.Context, raw string) (*model.ReconciliationBreak, error) {
	b, err := r.Svc.ReconciliationBreak(ctx, ActorFrom(ctx), raw)
	return nullIfNotFound(b, err, toReconciliationBreak)
}

func toReconciliationSide(r *domain.Record) *model.ReconciliationSide {
	if r == nil {
		return nil
	}
	s := &model.ReconciliationSide{Amount: toMoney(r.Amount), Status: r.Status, Reference: r.Reference}
	if r.Counter.Currency != "" {
		s.CounterAmount = toMoney(r.Counter)
	}
	return s
}

func toReconciliationBreak(b domain.ReconciliationBreak) *model.ReconciliationBreak {
	out := &model.ReconciliationBreak{ID: globalID(typeReconciliationBreak, b.ID), Day: b.Day, Counterparty: model.Counterparty(b.Counterparty),
		ObjectID: b.ObjectID, Problem: model.ReconciliationProblem(b.Problem), Ours: toReconciliationSide(b.Ours), Theirs: toReconciliationSide(b.Theirs),
		Status: model.ReconciliationBreakStatus(b.Status), Note: b.Note, CreatedAt: model.DateTime(b.CreatedAt)}
	out.ResolvedAt = optionalTimeOf(b.ResolvedAt)
	return out
}

func toReconciliationBreakConnection(sl domain.Slice[domain.ReconciliationBreak]) *model.ReconciliationBreakConnection {
	edges, info := connection(sl, func(b domain.ReconciliationBreak) string { return b.ID },
		func(c string, b domain.ReconciliationBreak) *model.ReconciliationBreakEdge {
			return &model.ReconciliationBreakEdge{Cursor: c, Node: toReconciliationBreak(b)}
		})
	return &model.ReconciliationBreakConnection{Edges: edges, PageInfo: info}
}
