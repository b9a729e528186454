package graph

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
)

// Global id types. The type name is inside the opaque id; clients must not parse it.
const (
	typeAccount      = "Account"
	typePartner      = "Partner"
	typeAPIKey       = "ApiKey"
	typeTopUp        = "TopUp"
	typeLedgerEntry  = "LedgerEntry"
	typeMember       = "MarketplaceMember"
	typeSupplier     = "Supplier"
	typeLink         = "MarketplaceLink"
	typeOrder        = "Order"
	typeQuote        = "Quote"
	typeConversion   = "Conversion"
	typePayment      = "Payment"
	typePayout       = "Payout"
	typeRefund       = "Refund"
	typeFeeStatement = "FeeStatement"
	typeEvent        = "Event"
	typeEndpoint     = "WebhookEndpoint"
	typeDelivery     = "WebhookDelivery"
	typeJob          = "Job"

	typeReconciliationBreak = "ReconciliationBreak"
)

// nodeTypes are the types node(id:) resolves, each with its lookup by raw id. A global id of
// any other type answers null.
var nodeTypes = map[string]nodeLookup{
	typeAccount:      asNode((*Resolver).account),
	typePartner:      asNode((*Resolver).partner),
	typeAPIKey:       asNode((*Resolver).apiKey),
	typeTopUp:        asNode((*Resolver).topUp),
	typeMember:       asNode((*Resolver).member),
	typeSupplier:     asNode((*Resolver).supplier),
	typeLink:         asNode((*Resolver).link),
	typeOrder:        asNode((*Resolver).order),
	typeQuote:        asNode((*Resolver).quote),
	typeConversion:   asNode((*Resolver).conversion),
	typePayment:      asNode((*Resolver).payment),
	typePayout:       asNode((*Resolver).payout),
	typeRefund:       asNode((*Resolver).refund),
	typeFeeStatement: asNode((*Resolver).feeStatement),
	typeEvent:        asNode((*Resolver).event),
	typeEndpoint:     asNode((*Resolver).endpoint),
	typeDelivery:     asNode((*Resolver).delivery),
	typeLedgerEntry:  asNode((*Resolver).ledgerEntry),
	typeJob:          asNode((*Resolver).job),

	typeReconciliationBreak: asNode((*Resolver).reconciliationBreak),
}

// node reads the object a global id names; null for an id of no known type, or an object that
// is absent or not visible.
func (r *Resolver) node(ctx context.Context, gid string) (model.Node, error) {
	typ, raw, ok := parseGlobalID(gid)
	if !ok {
		return nil, nil
	}
	lookup, ok := nodeTypes[typ]
	if !ok {
		return nil, nil
	}
	return lookup(r, ctx, raw)
}

// nodeLookup reads the object a raw id names; null when absent or not visible.
type nodeLookup func(r *Resolver, ctx context.Context, raw string) (model.Node, error)

// asNode turns a typed lookup into a nodeLookup; a nil object stays a nil interface.
func asNode[N interface {
	model.Node
	comparable
}](read func(*Resolver, context.Context, string) (N, error)) nodeLookup {
	return func(r *Resolver, ctx context.Context, raw string) (model.Node, error) {
		var none N
		n, err := read(r, ctx, raw)
		if err != nil || n == none {
			return nil, err
		}
		return n, nil
	}
}

func globalID(typ, id string) string { return domain.GlobalID(typ, id) }

// parseGlobalID splits a global id into its type and raw id.
func parseGlobalID(gid string) (typ, id string, ok bool) {
	if len(gid) > 200 {
		return "", "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		return "", "", false
	}
	typ, id, ok = strings.Cut(string(b), ":")
	return typ, id, ok && rawIDValid(typ, id)
}

// rawIDValid reports whether a raw id has the form its type's ids take: digits for ledger
// entries and jobs, a UUID for everything else.
func rawIDValid(typ, id string) bool {
	if typ == typeLedgerEntry || typ == typeJob {
		_, err := strconv.ParseUint(id, 10, 63)
		return err == nil
	}
	return isUUID(id)
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// decodeID returns the raw id of a global id of type want. INVALID_INPUT naming field
// when gid is malformed or names another type of object.
func decodeID(gid, want string, field ...string) (string, error) {
	typ, id, ok := parseGlobalID(gid)
	if !ok {
		return "", domain.Errorf(domain.CodeInvalidInput, field, "is not a valid id")
	}
	if typ != want {
		return "", domain.Errorf(domain.CodeInvalidInput, field, "is not an id of a %s", want)
	}
	return id, nil
}

// decodeOptionalID is decodeID for an optional input.
func decodeOptionalID(gid *string, want string, field ...string) (string, error) {
	if gid == nil || *gid == "" {
		return "", nil
	}
	return decodeID(*gid, want, field...)
}

// decodeJobID parses a Job's global id (River's job ids are numbers). INVALID_INPUT naming
// jobId when it is not one.
func decodeJobID(gid string) (int64, error) {
	raw, err := decodeID(gid, typeJob, "jobId")
	if err != nil {
		return 0, err
	}
	return parseJobID(raw)
}

func parseJobID(raw string) (int64, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Errorf(domain.CodeInvalidInput, domain.Field("jobId"), "is not a valid id")
	}
	return id, nil
}

// AccountGlobalID is the public id of a raw account id (for the command line).
func AccountGlobalID(raw string) string { return globalID(typeAccount, raw) }

// RawAccountID accepts an account's public id or its raw id and returns the raw id.
func RawAccountID(id string) string {
	if raw, err := decodeID(id, typeAccount); err == nil {
		return raw
	}
	return id
}

// APIKeyGlobalID is the public id of a raw API key id (for the command line).
func APIKeyGlobalID(raw string) string { return globalID(typeAPIKey, raw) }

// RawAPIKeyID accepts an API key's public id or its raw id and returns the raw id.
func RawAPIKeyID(id string) string {
	if raw, err := decodeID(id, typeAPIKey); err == nil {
		return raw
	}
	return id
}

// OrderGlobalID is the public id of a raw order id (for the command line).
func OrderGlobalID(raw string) string { return globalID(typeOrder, raw) }
