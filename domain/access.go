package domain

import "slices"

// Action is one gated operation of the Service. Who may perform it is written once, in the
// access table below; an action missing from the table is refused to every role.
type Action string

// Accounts, KYC and top-ups.
const (
	ActCreateAccount Action = "CreateAccount"
	ActReviewKyc     Action = "ReviewKyc"
	ActReadAccount   Action = "Account" // also its balances, statement, conversions, links, fee statements and forecast
	ActListAccounts  Action = "Accounts"
	ActTopUp         Action = "TopUp"
	ActReadTopUp     Action = "TopUpByID"
)

// Partners and API keys.
const (
	ActCreatePartner Action = "CreatePartner"
	ActReadPartner   Action = "Partner" // by id or by code
	ActCreateAPIKey  Action = "CreateAPIKey"
	ActReadAPIKey    Action = "APIKeyByID"
	ActListAPIKeys   Action = "APIKeys"
	ActRevokeAPIKey  Action = "RevokeAPIKey"
	ActRotateAPIKey  Action = "RotateAPIKey"
)

// Marketplace members, suppliers and links.
const (
	ActUpsertMember             Action = "UpsertMember"
	ActUpsertSupplier           Action = "UpsertSupplier"
	ActReadMember               Action = "Member" // by the partner's member id
	ActReadMemberByID           Action = "MemberByID"
	ActReadSupplier             Action = "Supplier" // by the partner's supplier id
	ActReadSupplierByID         Action = "SupplierByID"
	ActLinkMarketplaceAccount   Action = "LinkMarketplaceAccount"
	ActConfirmMarketplaceLink   Action = "ConfirmMarketplaceLink"
	ActUnlinkMarketplaceAccount Action = "UnlinkMarketplaceAccount"
	ActActivateCrossBorderPay   Action = "ActivateCrossBorderPay"
	ActSetLinkSpendingLimit     Action = "SetLinkSpendingLimit"
	ActReadLink                 Action = "Link"
)

// Orders, payments, refunds and payouts.
const (
	ActCreateOrder           Action = "CreateOrder"
	ActCancelOrder           Action = "CancelOrder"
	ActReadOrder             Action = "Order" // also its payment options and payment
	ActReadOrderByExternalID Action = "OrderByExternalID"
	ActListOrders            Action = "Orders"
	ActPayOrder              Action = "PayOrder"
	ActPayOrders             Action = "PayOrders"
	ActConfirmReceipt        Action = "ConfirmReceipt"
	ActRefundOrder           Action = "RefundOrder"
	ActRetryPayout           Action = "RetryPayout"
	ActReadPayment           Action = "Payment" // also its refunds, payout and money trail
	ActListPayments          Action = "Payments"
	ActReadPayout            Action = "Payout" // also its supplier
	ActListPayouts           Action = "Payouts"
)

// FX.
const (
	ActSetFxRate      Action = "SetFxRate"
	ActCreateQuote    Action = "CreateQuote"
	ActExecuteQuote   Action = "ExecuteQuote"
	ActSetAutoConvert Action = "SetAutoConvert"
	ActReadQuote      Action = "Quote"
	ActReadConversion Action = "Conversion"
)

// Fees and the sandbox clock.
const (
	ActRunMonthlyFees   Action = "RunMonthlyFees"
	ActReadFeeStatement Action = "FeeStatementByID"
	ActSetSandboxClock  Action = "SetSandboxClock" // also refused outside sandbox mode
)

// Events and webhooks.
const (
	ActReadEvent             Action = "EventByID"
	ActListEvents            Action = "Events"
	ActFollowPartnerEvents   Action = "PartnerEvents"
	ActPartnerSummary        Action = "PartnerSummary"
	ActPartnerReconciliation Action = "PartnerReconciliation"
	ActCreateWebhookEndpoint Action = "CreateWebhookEndpoint"
	ActListWebhookEndpoints  Action = "WebhookEndpoints"
	ActReadWebhookEndpoint   Action = "WebhookEndpointByID"
	ActDeleteWebhookEndpoint Action = "DeleteWebhookEndpoint"
	ActRotateWebhookSecret   Action = "RotateWebhookSecret"
	ActListWebhookDeliveries Action = "WebhookDeliveries"
	ActRedeliverEvent        Action = "RedeliverEvent"
)

// Reconciliation with the payout rail and the liquidity provider.
const (
	ActListBreaks   Action = "ReconciliationBreaks"
	ActReadBreak    Action = "ReconciliationBreakByID"
	ActResolveBreak Action = "ResolveReconciliationBreak"
	ActVerifyLedger Action = "VerifyLedger"
)

// The schema.
const (
	ActIntrospect Action = "Introspect" // outside sandbox mode; in sandbox mode anyone may
)

// Background jobs.
const (
	ActListJobs  Action = "Jobs"
	ActReadJob   Action = "Job"
	ActRetryJob  Action = "RetryJob"
	ActCancelJob Action = "CancelJob"
)

// rule is one row of the access table.
type rule struct {
	// who are the roles that may perform the action. Which rows they reach is their Scope,
	// applied by the store in SQL.
	who []Role
	// refusal completes "your API key may not …" for a role outside who (FORBIDDEN).
	refusal string
	// hidden, when set, answers a role outside who NOT_FOUND for this object instead of
	// FORBIDDEN, exactly as if the object did not exist.
	hidden string
}

var (
	anyKey            = []Role{RoleOperator, RolePartner, RoleAccount}
	operatorOnly      = []Role{RoleOperator}
	partnerOnly       = []Role{RolePartner}
	operatorOrPartner = []Role{RoleOperator, RolePartner}
	operatorOrAccount = []Role{RoleOperator, RoleAccount}
)

// access is who may do what. Every Action has a row (a test checks it); a role not listed
// is refused. Anonymous callers are refused every action here (UNAUTHENTICATED): the few
// public reads (viewer, currencies, fxRates, feeSchedule) take no actor, and the API lets
// them through without a key.
var access = map[Action]rule{
	ActCreateAccount:            {who: operatorOnly, refusal: "create accounts"},
	ActReviewKyc:                {who: operatorOnly, refusal: "review KYC"},
	ActReadAccount:              {who: anyKey},
	ActListAccounts:             {who: anyKey},
	ActTopUp:                    {who: operatorOnly, refusal: "top up accounts"},
	ActReadTopUp:                {who: anyKey},
	ActCreatePartner:            {who: operatorOnly, refusal: "create partners"},
	ActReadPartner:              {who: anyKey},
	ActCreateAPIKey:             {who: operatorOnly, refusal: "create API keys"},
	ActReadAPIKey:               {who: anyKey},
	ActListAPIKeys:              {who: operatorOnly, refusal: "list API keys"},
	ActRevokeAPIKey:             {who: operatorOnly, refusal: "revoke API keys"},
	ActRotateAPIKey:             {who: operatorOnly, refusal: "rotate API keys"},
	ActUpsertMember:             {who: partnerOnly, refusal: "register marketplace members"},
	ActUpsertSupplier:           {who: partnerOnly, refusal: "register suppliers"},
	ActReadMember:               {who: partnerOnly, refusal: "read marketplace members"},
	ActReadMemberByID:           {who: anyKey},
	ActReadSupplier:             {who: partnerOnly, refusal: "read suppliers"},
	ActReadSupplierByID:         {who: anyKey},
	ActLinkMarketplaceAccount:   {who: operatorOrAccount, refusal: "act for an account"},
	ActConfirmMarketplaceLink:   {who: operatorOrAccount, refusal: "act for an account"},
	ActUnlinkMarketplaceAccount: {who: operatorOrAccount, refusal: "change an account's links"},
	ActActivateCrossBorderPay:   {who: operatorOrAccount, refusal: "change an account's links"},
	ActSetLinkSpendingLimit:     {who: operatorOrAccount, refusal: "change an account's links"},
	ActReadLink:                 {who: anyKey},
	ActCreateOrder:              {who: partnerOnly, refusal: "create orders"},
	ActCancelOrder:              {who: operatorOrPartner, refusal: "cancel orders"},
	ActReadOrder:                {who: anyKey},
	ActReadOrderByExternalID:    {who: partnerOnly, refusal: "look orders up by external id"},
	ActListOrders:               {who: anyKey},
	ActPayOrder:                 {who: anyKey},
	ActPayOrders:                {who: anyKey},
	ActConfirmReceipt:           {who: operatorOrPartner, refusal: "confirm receipt (the marketplace does)"},
	ActRefundOrder:              {who: operatorOrPartner, refusal: "refund orders"},
	ActRetryPayout:              {who: operatorOnly, refusal: "retry payouts"},
	ActReadPayment:              {who: anyKey},
	ActListPayments:             {who: anyKey},
	ActReadPayout:               {who: anyKey},
	ActListPayouts:              {who: anyKey},
	ActSetFxRate:                {who: operatorOnly, refusal: "set FX rates"},
	ActCreateQuote:              {who: operatorOrAccount, refusal: "act for an account"},
	ActExecuteQuote:             {who: operatorOrAccount, refusal: "execute quotes"},
	ActSetAutoConvert:           {who: operatorOrAccount, refusal: "change an account's auto-convert"},
	ActReadQuote:                {who: anyKey},
	ActReadConversion:           {who: anyKey},
	ActRunMonthlyFees:           {who: operatorOnly, refusal: "run the monthly fees"},
	ActReadFeeStatement:         {who: anyKey},
	ActSetSandboxClock:          {who: operatorOnly, refusal: "set the sandbox clock"},
	ActReadEvent:                {who: anyKey},
	ActListEvents:               {who: anyKey},
	ActFollowPartnerEvents:      {who: partnerOnly, refusal: "follow partner events"},
	ActPartnerSummary:           {who: operatorOrPartner, refusal: "read a partner summary"},
	ActPartnerReconciliation:    {who: operatorOrPartner, refusal: "read a partner reconciliation report"},
	ActCreateWebhookEndpoint:    {who: partnerOnly, refusal: "register webhook endpoints"},
	ActListWebhookEndpoints:     {who: operatorOrPartner, refusal: "read webhook endpoints"},
	ActReadWebhookEndpoint:      {who: operatorOrPartner, hidden: "webhook endpoint"},
	ActDeleteWebhookEndpoint:    {who: partnerOnly, refusal: "delete webhook endpoints"},
	ActRotateWebhookSecret:      {who: partnerOnly, refusal: "rotate webhook secrets"},
	ActListWebhookDeliveries:    {who: operatorOrPartner, refusal: "read webhook deliveries"},
	ActRedeliverEvent:           {who: partnerOnly, refusal: "redeliver events"},
	ActListBreaks:               {who: operatorOnly, refusal: "read reconciliation breaks"},
	ActReadBreak:                {who: operatorOnly, hidden: "reconciliation break"},
	ActResolveBreak:             {who: operatorOnly, refusal: "resolve reconciliation breaks"},
	ActVerifyLedger:             {who: operatorOnly, refusal: "verify the ledger"},
	ActIntrospect:               {who: operatorOnly, refusal: "introspect the schema"},
	ActListJobs:                 {who: operatorOnly, refusal: "list jobs"},
	ActReadJob:                  {who: operatorOnly, refusal: "read jobs"},
	ActRetryJob:                 {who: operatorOnly, refusal: "retry jobs"},
	ActCancelJob:                {who: operatorOnly, refusal: "cancel jobs"},
}

// Can reports whether the actor's role may perform act: nil, UNAUTHENTICATED for the
// anonymous caller, FORBIDDEN for a role the access table does not list (or for an action
// missing from the table), or NOT_FOUND where the table hides the object from other roles.
// Which rows the actor reaches is its Scope, applied by the store.
func (a Actor) Can(act Action) error {
	if a.IsAnonymous() {
		return Unauthenticated
	}
	r, ok := access[act]
	if !ok {
		return Forbidden("perform " + string(act))
	}
	if slices.Contains(r.who, a.Role) {
		return nil
	}
	if r.hidden != "" {
		return NotFound(r.hidden, nil)
	}
	if slices.Equal(r.who, partnerOnly) {
		return Forbidden(r.refusal + " (a PARTNER key is needed)")
	}
	return Forbidden(r.refusal)
}
