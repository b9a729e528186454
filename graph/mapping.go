package graph

import (
	"strconv"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
	"github.com/shopspring/decimal"
)

// each maps every item of a list with to.
func each[T, M any](to func(T) M) func([]T) []M {
	return func(items []T) []M {
		out := make([]M, 0, len(items))
		for _, it := range items {
			out = append(out, to(it))
		}
		return out
	}
}

func toMoney(m domain.Money) *model.Money {
	return &model.Money{Amount: model.Decimal(domain.FormatAmount(m.Amount, m.Currency)), Currency: model.CurrencyCode(m.Currency)}
}

func toRate(d decimal.Decimal) model.Decimal { return model.Decimal(d.String()) }

func toAccount(a domain.Account) *model.Account {
	return &model.Account{
		ID: globalID(typeAccount, a.ID), Name: a.Name, Type: model.AccountType(a.Type), Country: a.Country,
		KycStatus: model.KycStatus(a.KycStatus), CrossBorderPayActive: a.CrossBorderPayActive,
		ServiceFeeRate: toRate(a.ServiceFeeRate), CreatedAt: model.DateTime(a.CreatedAt),
	}
}

func toAccountConnection(sl domain.Slice[domain.Account]) *model.AccountConnection {
	edges, info := connection(sl, func(a domain.Account) string { return a.ID },
		func(c string, a domain.Account) *model.AccountEdge {
			return &model.AccountEdge{Cursor: c, Node: toAccount(a)}
		})
	return &model.AccountConnection{Edges: edges, PageInfo: info}
}

func toPartner(p domain.Partner) *model.Partner {
	return &model.Partner{ID: globalID(typePartner, p.ID), Code: p.Code, Name: p.Name, CreatedAt: model.DateTime(p.CreatedAt)}
}

func toAPIKey(k domain.APIKey) *model.APIKey {
	out := &model.APIKey{ID: globalID(typeAPIKey, k.ID), Role: model.Role(k.Role), Label: k.Label, Hint: k.Hint,
		CreatedAt: model.DateTime(k.CreatedAt)}
	if k.AccountID != "" {
		out.Account = &model.Account{ID: globalID(typeAccount, k.AccountID)}
	}
	if k.PartnerID != "" {
		out.Partner = &model.Partner{ID: globalID(typePartner, k.PartnerID)}
	}
	out.ExpiresAt, out.RevokedAt, out.LastUsedAt = optionalTime(k.ExpiresAt), optionalTime(k.RevokedAt), optionalTime(k.LastUsedAt)
	return out
}

func toAPIKeyConnection(sl domain.Slice[domain.APIKey]) *model.APIKeyConnection {
	edges, info := connection(sl, func(k domain.APIKey) string { return k.ID },
		func(c string, k domain.APIKey) *model.APIKeyEdge {
			return &model.APIKeyEdge{Cursor: c, Node: toAPIKey(k)}
		})
	return &model.APIKeyConnection{Edges: edges, PageInfo: info}
}

// optionalTimeOf is nil for no time.
func optionalTimeOf(t *time.Time) *model.DateTime {
	if t == nil {
		return nil
	}
	d := model.DateTime(*t)
	return &d
}

// optionalTime is nil for the zero time.
func optionalTime(t time.Time) *model.DateTime {
	if t.IsZero() {
		return nil
	}
	d := model.DateTime(t)
	return &d
}

func toBalance(b domain.Balance) *model.Balance {
	return &model.Balance{Currency: model.CurrencyCode(b.Available.Currency), Available: toMoney(b.Available)}
}

func toTopUp(t domain.TopUp) *model.TopUp {
	return &model.TopUp{ID: globalID(typeTopUp, t.ID), Account: &model.Account{ID: globalID(typeAccount, t.AccountID)},
		Amount: toMoney(t.Amount), Reference: t.Reference, CreatedAt: model.DateTime(t.CreatedAt)}
}

// referenceID renders a ledger line's reference as the global id of the object it records.
func referenceID(kind domain.LedgerKind, ref string) string {
	switch kind {
	case domain.LedgerTopUp:
		return globalID(typeTopUp, ref)
	case domain.LedgerConversion:
		return globalID(typeConversion, ref)
	case domain.LedgerPayment, domain.LedgerEscrowRelease:
		return globalID(typePayment, ref)
	case domain.LedgerRefund:
		return globalID(typeRefund, ref)
	case domain.LedgerPayout:
		return globalID(typePayout, ref)
	}
	return ref
}

func toLedgerEntry(s domain.StatementLine) *model.LedgerEntry {
	return &model.LedgerEntry{ID: globalID(typeLedgerEntry, s.ID), Amount: toMoney(s.Amount), BalanceAfter: toMoney(s.BalanceAfter),
		Kind: model.LedgerEntryKind(s.Kind), Reference: referenceID(s.Kind, s.Reference), CreatedAt: model.DateTime(s.CreatedAt)}
}

func toLedgerEntryConnection(sl domain.Slice[domain.StatementLine]) *model.LedgerEntryConnection {
	edges, info := connection(sl, func(l domain.StatementLine) string { return l.ID },
		func(c string, l domain.StatementLine) *model.LedgerEntryEdge {
			return &model.LedgerEntryEdge{Cursor: c, Node: toLedgerEntry(l)}
		})
	return &model.LedgerEntryConnection{Edges: edges, PageInfo: info}
}

func toLinkConnection(sl domain.Slice[domain.MarketplaceLink]) *model.MarketplaceLinkConnection {
	edges, info := connection(sl, func(l domain.MarketplaceLink) string { return l.ID },
		func(c string, l domain.MarketplaceLink) *model.MarketplaceLinkEdge {
			return &model.MarketplaceLinkEdge{Cursor: c, Node: toLink(l)}
		})
	return &model.MarketplaceLinkConnection{Edges: edges, PageInfo: info}
}

func toMember(m domain.MarketplaceMember) *model.MarketplaceMember {
	return &model.MarketplaceMember{ID: globalID(typeMember, m.ID), ExternalID: m.ExternalID, MemberID: m.ExternalID, Type: model.AccountType(m.Type),
		AlipayVerified: m.AlipayVerified, Authorized: m.Authorized, MainlandAlipayLinked: m.MainlandAlipayLinked,
		AlipayInternationalLinked: m.AlipayInternationalLinked, UpdatedAt: model.DateTime(m.UpdatedAt)}
}

func toSupplier(s domain.Supplier) *model.Supplier {
	return &model.Supplier{ID: globalID(typeSupplier, s.ID), ExternalID: s.ExternalID, SupplierID: s.ExternalID, Name: s.Name,
		AcceptsCrossBorderPay: s.AcceptsCrossBorderPay, PayoutAccount: s.MaskedPayoutAccount(), UpdatedAt: model.DateTime(s.UpdatedAt)}
}

func toLink(l domain.MarketplaceLink) *model.MarketplaceLink {
	out := &model.MarketplaceLink{ID: globalID(typeLink, l.ID), Platform: l.Platform, MemberID: l.MemberExternalID, Nickname: l.Nickname,
		Status: model.LinkStatus(l.Status), CrossBorderPayActive: l.CrossBorderPayActive,
		Account: &model.Account{ID: globalID(typeAccount, l.AccountID)}, CreatedAt: model.DateTime(l.CreatedAt)}
	out.UnlinkedAt = optionalTimeOf(l.UnlinkedAt)
	return out
}

func toOrder(o domain.Order) *model.Order {
	return &model.Order{ID: globalID(typeOrder, o.ID), ExternalID: o.ExternalID, BuyerMemberID: o.BuyerMemberExternalID,
		BuyerMember: &model.MarketplaceMember{ID: globalID(typeMember, o.BuyerMemberID)}, Supplier: toSupplier(o.Supplier), Amount: toMoney(o.Amount), TradeMode: model.TradeMode(o.TradeMode),
		ContainsProhibitedItems: o.ContainsProhibitedItems, RedPacketDiscount: o.RedPacketDiscount,
		Status: model.OrderStatus(o.Status), CreatedAt: model.DateTime(o.CreatedAt), UpdatedAt: model.DateTime(o.UpdatedAt)}
}

func toOrderConnection(sl domain.Slice[domain.Order]) *model.OrderConnection {
	edges, info := connection(sl, func(o domain.Order) string { return o.ID },
		func(c string, o domain.Order) *model.OrderEdge { return &model.OrderEdge{Cursor: c, Node: toOrder(o)} })
	return &model.OrderConnection{Edges: edges, PageInfo: info}
}

func toFxRate(r domain.Rate) *model.FxRate {
	return &model.FxRate{From: model.CurrencyCode(r.From), To: model.CurrencyCode(r.To), Mid: toRate(r.Mid), Source: model.FxRateSource(r.Source),
		UpdatedAt: model.DateTime(r.UpdatedAt)}
}

func toQuote(q domain.Quote, now time.Time) *model.Quote {
	return &model.Quote{ID: globalID(typeQuote, q.ID), Account: &model.Account{ID: globalID(typeAccount, q.AccountID)},
		SellAmount: toMoney(q.Sell), BuyAmount: toMoney(q.Buy), Rate: toRate(q.Rate), Mid: toRate(q.MidRate), MidRate: toRate(q.MidRate),
		SpreadBps: int(q.SpreadBps), ExpiresAt: model.DateTime(q.ExpiresAt), Status: model.QuoteStatus(q.Status(now)),
		CreatedAt: model.DateTime(q.CreatedAt)}
}

func toConversion(c domain.Conversion) *model.Conversion {
	out := &model.Conversion{ID: globalID(typeConversion, c.ID), Account: &model.Account{ID: globalID(typeAccount, c.AccountID)},
		Sold: toMoney(c.Sold), Bought: toMoney(c.Bought), Rate: toRate(c.Rate), Status: model.ConversionStatus(c.Status),
		CreatedAt: model.DateTime(c.CreatedAt)}
	if c.QuoteID != "" {
		out.Quote = &model.Quote{ID: globalID(typeQuote, c.QuoteID)}
	}
	out.SettledAt = optionalTimeOf(c.SettledAt)
	return out
}

func toConversionConnection(sl domain.Slice[domain.Conversion]) *model.ConversionConnection {
	edges, info := connection(sl, func(x domain.Conversion) string { return x.ID },
		func(c string, x domain.Conversion) *model.ConversionEdge {
			return &model.ConversionEdge{Cursor: c, Node: toConversion(x)}
		})
	return &model.ConversionConnection{Edges: edges, PageInfo: info}
}

func toFeeLines(ls []domain.FeeLine) []*model.FeeLine {
	out := make([]*model.FeeLine, 0, len(ls))
	for _, l := range ls {
		out = append(out, &model.FeeLine{Kind: model.FeeKind(l.Kind), Rate: toRate(l.Rate), Amount: toMoney(l.Amount)})
	}
	return out
}

func toPaymentOption(o domain.PaymentOption) *model.PaymentOption {
	out := &model.PaymentOption{Method: model.PaymentMethod(o.Method), Available: o.Available, HandledBy: model.Handler(o.HandledBy),
		Fees: toFeeLines(o.Fees), Reasons: make([]model.PaymentReason, 0, len(o.Reasons))}
	for _, r := range o.Reasons {
		out.Reasons = append(out.Reasons, model.PaymentReason(r))
	}
	if o.Total != nil {
		out.Total = toMoney(*o.Total)
	}
	out.Conversion = toPlannedConversion(o.Conversion)
	out.LandedCost, out.SavingVersusCard, out.SettlesIn = toMoneyOrNil(o.LandedCost), toMoneyOrNil(o.SavingVersusCard), settlesIn(o.SettlesIn)
	return out
}

func toPayment(p domain.Payment) *model.Payment {
	out := &model.Payment{ID: globalID(typePayment, p.ID), Order: &model.Order{ID: globalID(typeOrder, p.OrderID)},
		Account: &model.Account{ID: globalID(typeAccount, p.AccountID)}, Method: model.PaymentMethod(p.Method),
		Status: model.PaymentStatus(p.Status), Amount: toMoney(p.Amount), Fees: toFeeLines(p.Fees), TotalFees: toMoney(p.TotalFees()),
		Debited: toMoney(p.Debited), EscrowStatus: model.EscrowStatus(p.EscrowStatus), CreatedAt: model.DateTime(p.CreatedAt)}
	if p.FXRate != nil {
		r := toRate(*p.FXRate)
		out.FxRate = &r
	}
	if p.ConversionID != "" {
		out.Conversion = &model.Conversion{ID: globalID(typeConversion, p.ConversionID)}
	}
	return out
}

func toPaymentConnection(sl domain.Slice[domain.Payment]) *model.PaymentConnection {
	edges, info := connection(sl, func(p domain.Payment) string { return p.ID },
		func(c string, p domain.Payment) *model.PaymentEdge {
			return &model.PaymentEdge{Cursor: c, Node: toPayment(p)}
		})
	return &model.PaymentConnection{Edges: edges, PageInfo: info}
}

func toPayout(p domain.Payout) *model.Payout {
	out := &model.Payout{ID: globalID(typePayout, p.ID), Amount: toMoney(p.Amount), Status: model.PayoutStatus(p.Status),
		Attempts: p.Attempts, CreatedAt: model.DateTime(p.CreatedAt)}
	if p.RailReference != "" {
		out.RailReference = &p.RailReference
	}
	if p.FailureReason != "" {
		out.FailureReason = &p.FailureReason
	}
	out.PaidAt = optionalTimeOf(p.PaidAt)
	return out
}

func toPayoutConnection(sl domain.Slice[domain.Payout]) *model.PayoutConnection {
	edges, info := connection(sl, func(p domain.Payout) string { return p.ID },
		func(c string, p domain.Payout) *model.PayoutEdge {
			return &model.PayoutEdge{Cursor: c, Node: toPayout(p)}
		})
	return &model.PayoutConnection{Edges: edges, PageInfo: info}
}

func toRefund(r domain.Refund) *model.Refund {
	return &model.Refund{ID: globalID(typeRefund, r.ID), Amount: toMoney(r.Amount), FeesRefunded: toMoney(r.FeesRefunded),
		Credited: toMoney(r.Credited), Reason: r.Reason, CreatedAt: model.DateTime(r.CreatedAt)}
}

func toFeeStatement(s domain.FeeStatement) *model.FeeStatement {
	return &model.FeeStatement{ID: globalID(typeFeeStatement, s.ID), Month: model.Month(s.Month), Volume: toMoney(s.Volume),
		PaymentCount: s.PaymentCount, StandardFees: toMoney(s.StandardFees), ServiceFees: toMoney(s.ServiceFees),
		AverageMonthlyVolume: toMoney(s.AverageMonthlyVolume), NextServiceFeeRate: toRate(s.NextServiceFeeRate), CreatedAt: model.DateTime(s.CreatedAt)}
}

func toFeeStatementConnection(sl domain.Slice[domain.FeeStatement]) *model.FeeStatementConnection {
	edges, info := connection(sl, func(s domain.FeeStatement) string { return s.Month.String() },
		func(c string, s domain.FeeStatement) *model.FeeStatementEdge {
			return &model.FeeStatementEdge{Cursor: c, Node: toFeeStatement(s)}
		})
	return &model.FeeStatementConnection{Edges: edges, PageInfo: info}
}

func optionalID(typ, id string) *string {
	if id == "" {
		return nil
	}
	g := globalID(typ, id)
	return &g
}

func toEvent(e domain.Event) *model.Event {
	return &model.Event{ID: globalID(typeEvent, e.ID), Type: eventType(e.Type), OccurredAt: model.DateTime(e.OccurredAt),
		ObjectType: eventObjectTypes[e.ObjectType],
		ObjectID:   globalID(e.ObjectType, e.ObjectID), AccountID: optionalID(typeAccount, e.AccountID),
		PartnerID: optionalID(typePartner, e.PartnerID), PaymentID: optionalID(typePayment, e.PaymentID)}
}

func toEventConnection(sl domain.Slice[domain.Event]) *model.EventConnection {
	edges, info := connection(sl, func(e domain.Event) string { return e.Cursor },
		func(c string, e domain.Event) *model.EventEdge { return &model.EventEdge{Cursor: c, Node: toEvent(e)} })
	return &model.EventConnection{Edges: edges, PageInfo: info}
}

func toEndpoint(w domain.WebhookEndpoint) *model.WebhookEndpoint {
	types := make([]model.EventType, 0, len(w.Types))
	for _, t := range w.Types {
		types = append(types, eventType(t))
	}
	return &model.WebhookEndpoint{ID: globalID(typeEndpoint, w.ID), URL: w.URL, Types: types, CreatedAt: model.DateTime(w.CreatedAt)}
}

func toDelivery(d domain.WebhookDelivery) *model.WebhookDelivery {
	out := &model.WebhookDelivery{ID: globalID(typeDelivery, d.ID), EventID: globalID(typeEvent, d.EventID), Event: &model.Event{ID: globalID(typeEvent, d.EventID)},
		EventType: eventType(d.EventType),
		Attempt:   d.Attempt, StatusCode: d.StatusCode, DurationMs: int(d.Duration.Milliseconds()), CreatedAt: model.DateTime(d.CreatedAt)}
	if d.Error != "" {
		out.Error = &d.Error
	}
	out.NextRetryAt = optionalTimeOf(d.NextRetryAt)
	return out
}

func toWebhookDeliveryConnection(sl domain.Slice[domain.WebhookDelivery]) *model.WebhookDeliveryConnection {
	edges, info := connection(sl, func(d domain.WebhookDelivery) string { return d.ID },
		func(c string, d domain.WebhookDelivery) *model.WebhookDeliveryEdge {
			return &model.WebhookDeliveryEdge{Cursor: c, Node: toDelivery(d)}
		})
	return &model.WebhookDeliveryConnection{Edges: edges, PageInfo: info}
}

func toJob(j domain.JobInfo) *model.Job {
	out := &model.Job{ID: globalID(typeJob, strconv.FormatInt(j.ID, 10)), Kind: j.Kind, State: jobState(j.State), Queue: j.Queue, Attempt: j.Attempt,
		MaxAttempts: j.MaxAttempts, Errors: j.Errors, CreatedAt: model.DateTime(j.CreatedAt), ScheduledAt: model.DateTime(j.ScheduledAt)}
	if out.Errors == nil {
		out.Errors = []string{}
	}
	out.AttemptedAt = optionalTimeOf(j.AttemptedAt)
	out.FinalizedAt = optionalTimeOf(j.FinalizedAt)
	return out
}

func toJobConnection(sl domain.Slice[domain.JobInfo]) *model.JobConnection {
	edges, info := connection(sl, func(j domain.JobInfo) string { return j.Cursor },
		func(c string, j domain.JobInfo) *model.JobEdge { return &model.JobEdge{Cursor: c, Node: toJob(j)} })
	return &model.JobConnection{Edges: edges, PageInfo: info}
}

func toLedgerLine(l domain.PostedEntry) *model.LedgerLine {
	return &model.LedgerLine{Kind: model.LedgerEntryKind(l.Kind), Book: model.LedgerBook(l.Book), Amount: toMoney(l.Amount),
		CreatedAt: model.DateTime(l.CreatedAt)}
}

func toFeeSchedule(f domain.FeeSchedule) *model.FeeSchedule {
	out := &model.FeeSchedule{StandardRate: toRate(f.StandardRate), CardRate: toRate(f.CardRate),
		WorldFirstBalanceMinimum: toMoney(f.WorldFirstBalanceMinimum)}
	for _, t := range f.ServiceTiers {
		out.ServiceTiers = append(out.ServiceTiers, &model.ServiceTier{
			MinAverageMonthlyVolume: toMoney(domain.Money{Amount: t.MinAverageMonthlyVolume, Currency: domain.CNY}), Rate: toRate(t.Rate)})
	}
	return out
}

func toFeeForecast(f domain.FeeForecast) *model.FeeForecast {
	out := &model.FeeForecast{Month: model.Month(f.Month), MonthToDateVolume: toMoney(f.MonthToDateVolume), CurrentRate: toRate(f.CurrentRate),
		ProjectedAverageMonthlyVolume: toMoney(f.ProjectedAverage), ProjectedRate: toRate(f.ProjectedRate)}
	if f.VolumeToNextTier != nil {
		out.VolumeToNextTier = toMoney(*f.VolumeToNextTier)
		rate := toRate(*f.NextTierRate)
		out.NextTierRate = &rate
	}
	return out
}

func toPartnerSummary(s domain.PartnerSummary) *model.PartnerSummary {
	return &model.PartnerSummary{PaymentCount: s.PaymentCount, PaymentVolume: toMoney(s.PaymentVolume), Fees: toMoney(s.Fees),
		Refunds: toMoney(s.Refunds), PayoutsPaid: toMoney(s.PayoutsPaid), PayoutsPending: s.PayoutsPending, PayoutsFailed: s.PayoutsFailed,
		ConversionVolume: each(toMoney)(s.ConversionVolume)}
}

// paymentFilter decodes the payments query's filter. INVALID_INPUT naming filter.accountId.
func paymentFilter(filter *model.PaymentFilter) (domain.PaymentFilter, error) {
	var f domain.PaymentFilter
	if filter == nil {
		return f, nil
	}
	if filter.Status != nil {
		f.Status = domain.PaymentStatus(*filter.Status)
	}
	if filter.Method != nil {
		f.Method = domain.PaymentMethod(*filter.Method)
	}
	if filter.AccountID != nil {
		id, err := decodeID(*filter.AccountID, typeAccount, "filter", "accountId")
		if err != nil {
			return f, err
		}
		f.AccountID = id
	}
	if filter.From != nil {
		f.From = time.Time(*filter.From)
	}
	if filter.To != nil {
		f.To = time.Time(*filter.To)
	}
	return f, nil
}
