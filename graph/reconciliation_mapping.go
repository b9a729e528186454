package graph

import (
	"net/url"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
)

func toReconciliationFigures(f domain.ReconciliationFigures) *model.ReconciliationFigures {
	return &model.ReconciliationFigures{PaymentCount: f.PaymentCount, PaymentVolume: toMoney(f.PaymentVolume), Fees: toMoney(f.Fees),
		Refunds: toMoney(f.Refunds), PayoutsPaid: toMoney(f.PayoutsPaid), PaidCount: f.PaidCount,
		PayoutsFailed: f.PayoutsFailed, FailedAmount: toMoney(f.FailedAmount), PayoutsPending: f.PayoutsPending, PendingAmount: toMoney(f.PendingAmount)}
}

func toPartnerReconciliation(r domain.PartnerReconciliation) *model.PartnerReconciliation {
	out := &model.PartnerReconciliation{From: model.DateTime(r.From), To: model.DateTime(r.To),
		Lines: make([]*model.PartnerReconciliationLine, 0, len(r.Lines)), Totals: toReconciliationFigures(r.Totals),
		CSVPath: "/reconciliation/partner.csv?" + periodQuery(r.From, r.To).Encode()}
	for _, l := range r.Lines {
		line := &model.PartnerReconciliationLine{Day: l.Day, Supplier: toSupplier(l.Supplier), Figures: toReconciliationFigures(l.ReconciliationFigures),
			PaidPayouts: make([]*model.ReconciledPayout, 0, len(l.Paid))}
		for _, p := range l.Paid {
			line.PaidPayouts = append(line.PaidPayouts, &model.ReconciledPayout{PayoutID: globalID(typePayout, p.PayoutID),
				RailReference: p.RailReference, Amount: toMoney(p.Amount), PaidAt: model.DateTime(p.PaidAt)})
		}
		out.Lines = append(out.Lines, line)
	}
	return out
}

// periodQuery is the from/to query of a download address.
func periodQuery(from, to time.Time) url.Values {
	return url.Values{"from": {from.UTC().Format(time.RFC3339Nano)}, "to": {to.UTC().Format(time.RFC3339Nano)}}
}
