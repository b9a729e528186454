package domain

import (
	"context"
	"net/netip"
	"time"

	"github.com/shopspring/decimal"
)

// Store is the unit of work the rules run in. Implemented by package db.
type Store interface {
	// InTx runs fn in one database transaction: committed when fn returns nil, rolled back
	// otherwise. Serialization failures and deadlocks are retried by running fn again, so fn
	// must not have effects outside tx.
	InTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
	// Queries reads outside a transaction.
	Queries() Queries
	// Reports reads for dashboards and listings, possibly from a replica that lags a little.
	// Nothing that decides about money may use it.
	Reports() Queries
}

// Queries are the reads. Every read of a tenant's rows takes the actor's scope and filters by
// it in SQL; a row outside the scope is NOT_FOUND, exactly like a missing one.
type Queries interface {
	APIKeyByHash(ctx context.Context, hash string) (APIKey, error)
	APIKey(ctx context.Context, id string) (APIKey, error)
	// APIKeys lists every key, newest first.
	APIKeys(ctx context.Context, page Page) ([]APIKey, error)
	// FeeStatement returns a statement within scope.
	FeeStatement(ctx context.Context, id string, scope Scope) (FeeStatement, error)
	// Partner and PartnerByCode return a partner within scope (a partner sees itself).
	Partner(ctx context.Context, id string, scope Scope) (Partner, error)
	PartnerByCode(ctx context.Context, code string, scope Scope) (Partner, error)
	// Account returns the account id within scope (an account sees itself). NOT_FOUND otherwise.
	Account(ctx context.Context, id string, scope Scope) (Account, error)
	// Accounts lists accounts within scope, newest first, up to page.First+1 rows.
	Accounts(ctx context.Context, scope Scope, page Page) ([]Account, error)
	Balances(ctx context.Context, accountID string) ([]Balance, error)
	// AutoConvert is an account's auto-convert setting; NOT_FOUND when it is off.
	AutoConvert(ctx context.Context, accountID string) (AutoConvert, error)
	// Statement lists an account's customer ledger lines, newest first, up to page.First+1.
	Statement(ctx context.Context, accountID string, page Page) ([]StatementLine, error)
	// StatementLine returns one customer ledger line; NOT_FOUND when there is none.
	StatementLine(ctx context.Context, id string) (StatementLine, error)
	// TopUp returns a top-up within scope (an account sees its own).
	TopUp(ctx context.Context, id string, scope Scope) (TopUp, error)
	Member(ctx context.Context, partnerID, memberID string) (MarketplaceMember, error)
	MemberByID(ctx context.Context, id string, scope Scope) (MarketplaceMember, error)
	Supplier(ctx context.Context, partnerID, supplierID string) (Supplier, error)
	SupplierByID(ctx context.Context, id string, scope Scope) (Supplier, error)
	// Link returns a link within scope (partner: links to its members; account: its own).
	Link(ctx context.Context, id string, scope Scope) (MarketplaceLink, error)
	// ActiveLinkOfMember returns the member's ACTIVE link, NOT_FOUND when it has none.
	ActiveLinkOfMember(ctx context.Context, memberID string) (MarketplaceLink, error)
	// LinkSpent is what a link's payments spent in the period's day and month, net of refunds.
	LinkSpent(ctx context.Context, linkID string, period SpendingPeriod) (LinkSpent, error)
	// Links lists an account's links, newest first (history included), up to page.First+1.
	Links(ctx context.Context, accountID string, page Page) ([]MarketplaceLink, error)
	// Order returns an order within scope (account: orders of members actively linked to it).
	Order(ctx context.Context, id string, scope Scope) (Order, error)
	OrderByExternalID(ctx context.Context, partnerID, externalID string) (Order, error)
	// Orders lists orders within scope, newest first, up to page.First+1.
	Orders(ctx context.Context, scope Scope, status OrderStatus, page Page) ([]Order, error)
	// Rates returns every stored mid rate.
	Rates(ctx context.Context) ([]Rate, error)
	Quote(ctx context.Context, id string, scope Scope) (Quote, error)
	Conversion(ctx context.Context, id string, scope Scope) (Conversion, error)
	// Conversions lists an account's conversions, newest first, up to page.First+1.
	Conversions(ctx context.Context, accountID string, page Page) ([]Conversion, error)
	Payment(ctx context.Context, id string, scope Scope) (Payment, error)
	PaymentByOrder(ctx context.Context, orderID string) (Payment, error)
	// Payments lists payments within scope matching f, newest first, up to page.First+1.
	Payments(ctx context.Context, scope Scope, f PaymentFilter, page Page) ([]Payment, error)
	Refunds(ctx context.Context, paymentID string) ([]Refund, error)
	Refund(ctx context.Context, id string) (Refund, error)
	Payout(ctx context.Context, id string, scope Scope) (Payout, error)
	PayoutByPayment(ctx context.Context, paymentID string) (Payout, error)
	// Payouts lists payouts within scope, optionally by status, newest first, up to page.First+1.
	Payouts(ctx context.Context, scope Scope, status PayoutStatus, page Page) ([]Payout, error)
	// Trail returns every ledger line of the transactions recording the given references, in
	// posting order.
	Trail(ctx context.Context, references []LedgerRef) ([]PostedEntry, error)
	// FeeSchedule returns the schedule in force at t.
	FeeSchedule(ctx context.Context, t time.Time) (FeeSchedule, error)
	// FeeStatements lists an account's statements, newest month first, up to page.First+1.
	FeeStatements(ctx context.Context, accountID string, page Page) ([]FeeStatement, error)
	// PaymentVolume sums an account's payments created in [from, to), net of refunds (CNY).
	PaymentVolume(ctx context.Context, accountID string, from, to time.Time) (decimal.Decimal, error)
	// StatementVolume sums an account's statement volumes for the given months.
	StatementVolume(ctx context.Context, accountID string, months []Month) (decimal.Decimal, error)
	// Events lists events within scope, optionally of some types, newest first, up to page.First+1.
	Events(ctx context.Context, scope Scope, types []string, page Page) ([]Event, error)
	// Event returns an event within scope.
	Event(ctx context.Context, id string, scope Scope) (Event, error)
	// WebhookEndpoints lists the live endpoints within scope.
	WebhookEndpoints(ctx context.Context, scope Scope) ([]WebhookEndpoint, error)
	// WebhookEndpoint returns a live endpoint within scope (a partner sees its own).
	WebhookEndpoint(ctx context.Context, id string, scope Scope) (WebhookEndpoint, error)
	// WebhookDeliveries lists an endpoint's delivery attempts, newest first, up to page.First+1.
	WebhookDeliveries(ctx context.Context, endpointID string, page Page) ([]WebhookDelivery, error)
	// WebhookDelivery returns one delivery attempt to an endpoint within scope (deleted
	// endpoints included); NOT_FOUND otherwise.
	WebhookDelivery(ctx context.Context, id string, scope Scope) (WebhookDelivery, error)
	PartnerSummary(ctx context.Context, scope Scope, from, to time.Time) (PartnerSummary, error)
	// Audit checks the ledger invariants and returns every violation found.
	Audit(ctx context.Context) ([]Violation, error)
	// AuditIncremental checks the same invariants over what changed since the last clean
	// audit, and moves its checkpoint on when clean.
	AuditIncremental(ctx context.Context) ([]Violation, error)
	StatementQueries
	ReconciliationQueries
	ReconciliationStore
	SealQueries
	SummaryRollupQueries
}

// Tx is a database transaction: the reads plus every write.
type Tx interface {
	Queries
	// LockAccount reads an account FOR UPDATE. NOT_FOUND when it does not exist.
	LockAccount(ctx context.Context, id string) (Account, error)
	InsertAccount(ctx context.Context, a *Account) error
	UpdateAccountKyc(ctx context.Context, id string, status KycStatus, note string) error
	// InsertPartner returns ALREADY_EXISTS when the code is taken.
	InsertPartner(ctx context.Context, p *Partner) error
	InsertAPIKey(ctx context.Context, k *APIKey) error
	// LockAPIKey reads a key FOR UPDATE. NOT_FOUND when it does not exist.
	LockAPIKey(ctx context.Context, id string) (APIKey, error)
	// SetAPIKeyEnd sets a key's revokedAt and expiresAt (zero: unset).
	SetAPIKeyEnd(ctx context.Context, id string, revokedAt, expiresAt time.Time) error
	// TouchAPIKey records a use at t unless one within a minute before t is recorded.
	TouchAPIKey(ctx context.Context, id string, t time.Time) error
	// InsertTopUp stores t unless (account, reference) exists; then it fills t with the
	// stored row and reports created=false. Concurrent calls with one reference create one row.
	InsertTopUp(ctx context.Context, t *TopUp) (created bool, err error)
	// PostLedger writes a balanced ledger transaction and moves the customer balances it
	// touches with conditional updates. INSUFFICIENT_BALANCE when a debit would go negative.
	PostLedger(ctx context.Context, l LedgerTx) error
	// PostLedgerAtCommit posts l as the transaction's last write: it travels with COMMIT, so
	// the balances it moves stay locked only for the commit. A debit beyond a balance fails the
	// commit (the transaction then returns INSUFFICIENT_BALANCE); nothing may follow it.
	PostLedgerAtCommit(ctx context.Context, l LedgerTx) error
	// PostLedgersAtCommit is PostLedgerAtCommit for several transactions that each debit the
	// same customer balance: one move of that balance by their sum travels with COMMIT, and
	// each transaction's line records the balance after it. Otherwise each is posted on its own.
	PostLedgersAtCommit(ctx context.Context, ls []LedgerTx) error
	// SetAutoConvert stores an account's auto-convert setting (Currency empty: off).
	SetAutoConvert(ctx context.Context, a AutoConvert) error
	UpsertMember(ctx context.Context, m *MarketplaceMember) error
	UpsertSupplier(ctx context.Context, s *Supplier) error
	// InsertLink creates a link with its code; ALREADY_EXISTS when it is ACTIVE and the member
	// has an ACTIVE link (also when two race: exactly one wins).
	InsertLink(ctx context.Context, l *MarketplaceLink) error
	LockLink(ctx context.Context, id string, scope Scope) (MarketplaceLink, error)
	// SetLinkLimits stores a link's spending limits (both nil: none).
	SetLinkLimits(ctx context.Context, linkID string, l LinkLimits, at time.Time) error
	// AddLinkSpending adds each spend to its link's day and month with the transaction's last
	// writes, so the rows stay locked only for the commit. A spend that would pass the limits
	// it carries (because a concurrent payment spent first) fails the commit: the transaction
	// then returns LINK_LIMIT_EXCEEDED. Spends must come in link id order.
	AddLinkSpending(ctx context.Context, spends []LinkSpend) error
	// FreeLinkSpending takes amount off the spending of the payment's link in period (the
	// payment's day and month).
	FreeLinkSpending(ctx context.Context, paymentID string, period SpendingPeriod, amount decimal.Decimal) error
	// LockPendingLink reads, FOR UPDATE, an account's PENDING link to a member; NOT_FOUND when
	// there is none.
	LockPendingLink(ctx context.Context, accountID, memberID string) (MarketplaceLink, error)
	// UpdateLink stores a link's status, Cross-border Pay flag, unlink time and code; ALREADY_EXISTS
	// when it would make a second ACTIVE link of its member.
	UpdateLink(ctx context.Context, l MarketplaceLink) error
	// InsertOrder stores o unless (partner, externalId) exists; then it fills o with the
	// stored order and reports created=false.
	InsertOrder(ctx context.Context, o *Order) (created bool, err error)
	LockOrder(ctx context.Context, id string, scope Scope) (Order, error)
	// LockOrders locks the orders with these ids within scope, in id order, and returns those
	// found (in id order).
	LockOrders(ctx context.Context, ids []string, scope Scope) ([]Order, error)
	SetOrderStatus(ctx context.Context, id string, status OrderStatus, at time.Time) error
	// SetOrdersStatus sets the status of several orders in one statement.
	SetOrdersStatus(ctx context.Context, ids []string, status OrderStatus, at time.Time) error
	UpsertRate(ctx context.Context, r Rate) error
	InsertQuote(ctx context.Context, q *Quote) error
	LockQuote(ctx context.Context, id string, scope Scope) (Quote, error)
	MarkQuoteExecuted(ctx context.Context, id string) error
	InsertConversion(ctx context.Context, c *Conversion) error
	// ClaimIdempotencyKey inserts (principal, key) unless it exists; claimed=false returns the
	// existing record (waiting for a concurrent claimer's transaction to end first).
	ClaimIdempotencyKey(ctx context.Context, principal, key, operation, hash string) (prior IdempotencyRecord, claimed bool, err error)
	SetIdempotencyResult(ctx context.Context, principal, key, resultID string) error
	// LockBookedConversions locks every BOOKED conversion created before windowEnd that no
	// settlement holds yet and sums them per direction (sold, bought). Two callers never
	// batch at once: the second waits for the first one's transaction to end.
	LockBookedConversions(ctx context.Context, windowEnd time.Time) ([]ConversionFlow, error)
	// InsertSettlements stores the settlements (setting their ids) and assigns each its
	// conversions.
	InsertSettlements(ctx context.Context, batches []SettlementBatch) error
	// PendingSettlements lists every PENDING settlement, by id.
	PendingSettlements(ctx context.Context) ([]Settlement, error)
	LockSettlement(ctx context.Context, id string) (Settlement, error)
	// CompleteSettlement stores the fill, marks the settlement and its conversions SETTLED and
	// returns the conversions it settled.
	CompleteSettlement(ctx context.Context, s Settlement) ([]Conversion, error)
	// InsertPayments stores payments in one statement, setting their ids.
	InsertPayments(ctx context.Context, ps []Payment) error
	LockPaymentByOrder(ctx context.Context, orderID string) (Payment, error)
	// LockPaymentsForRelease locks the payments with these ids, in id order, and reads each
	// one's supplier payout account with it; ids not found are left out.
	LockPaymentsForRelease(ctx context.Context, ids []string) ([]ReleasablePayment, error)
	UpdatePayment(ctx context.Context, p Payment) error
	InsertRefund(ctx context.Context, r *Refund) error
	InsertPayout(ctx context.Context, p *Payout) error
	LockPayout(ctx context.Context, id string, scope Scope) (Payout, error)
	// LockPayouts locks the payouts with these ids, in id order; ids not found are left out.
	LockPayouts(ctx context.Context, ids []string) ([]Payout, error)
	UpdatePayout(ctx context.Context, p Payout) error
	// ClaimFeeMonth marks month m closed at now, once: claimed=false when it already was (a
	// concurrent claimer waits for the first one's transaction to end). laterClosed reports
	// whether a month after m is closed already.
	ClaimFeeMonth(ctx context.Context, m Month, now time.Time) (claimed, laterClosed bool, err error)
	// FeeMonthFigures aggregates, per account with payments in m or a statement before m, the
	// month's raw payment figures and the statement volume of the two months before.
	FeeMonthFigures(ctx context.Context, m Month) ([]FeeMonthFigures, error)
	// InsertFeeStatements stores the statements of month m in one statement (setting their ids),
	// records their count on the month and, when setRates, sets each account's service-fee rate
	// to its statement's next rate.
	InsertFeeStatements(ctx context.Context, m Month, statements []FeeStatement, setRates bool) error
	// RecordEvents appends events (setting their ids); their commit notifies listeners.
	RecordEvents(ctx context.Context, events []Event) error
	InsertWebhookEndpoint(ctx context.Context, w *WebhookEndpoint) error
	UpdateWebhookSecrets(ctx context.Context, w WebhookEndpoint) error
	DeleteWebhookEndpoint(ctx context.Context, id string, at time.Time) error
	InsertWebhookDelivery(ctx context.Context, d *WebhookDelivery) error
	RetentionTx
	// Enqueue inserts a job in this transaction, so it runs only if the transaction commits.
	Enqueue(ctx context.Context, job Job) error
	// EnqueueMany inserts jobs in this transaction in one statement, as Enqueue inserts one.
	EnqueueMany(ctx context.Context, jobs []Job) error
	ReconciliationTx
	SealTx
	SummaryRollupTx
	LedgerPartitionTx
}

// SecretSealer encrypts secrets that must be read back (webhook signing secrets) before they
// are stored, so a copy of the database alone reveals none.
type SecretSealer interface {
	Seal(plaintext string) (string, error)
	Open(sealed string) (string, error)
}

// Resolver looks up the addresses a host name resolves to (DNS), for checking where webhooks
// would be sent. An IP literal resolves to itself.
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]netip.Addr, error)
}
