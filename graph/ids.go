package graph

import (
	"encoding/base64"
	"strings"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
)

// Global id types. The type prefix is inside the opaque id; clients must not parse it.
const (
	typeAccount    = "Account"
	typePartner    = "Partner"
	typeAPIKey     = "ApiKey"
	typeTopUp      = "TopUp"
	typeMember     = "MarketplaceMember"
	typeSupplier   = "Supplier"
	typeLink       = "MarketplaceLink"
	typeOrder      = "Order"
	typeQuote      = "Quote"
	typeConversion = "Conversion"
	typePayment    = "Payment"
	typePayout     = "Payout"
	typeRefund     = "Refund"
	typeEvent      = "Event"
	typeEndpoint   = "WebhookEndpoint"
)

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
	return typ, id, ok && id != ""
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

func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c:" + key))
}

// page validates first/after into a domain page.
func page(first *int, after *string) (domain.Page, error) {
	var key string
	if after != nil && *after != "" {
		b, err := base64.RawURLEncoding.DecodeString(*after)
		k, ok := strings.CutPrefix(string(b), "c:")
		if err != nil || !ok || k == "" {
			return domain.Page{}, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
		}
		key = k
	}
	return domain.NewPage(first, key)
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

// OrderGlobalID is the public id of a raw order id (for the command line).
func OrderGlobalID(raw string) string { return globalID(typeOrder, raw) }

// accountPage decodes an Account's id and the page one of its connections asks for.
func accountPage(obj *model.Account, first *int, after *string) (string, domain.Page, error) {
	id, err := decodeID(obj.ID, typeAccount)
	if err != nil {
		return "", domain.Page{}, err
	}
	p, err := page(first, after)
	return id, p, err
}
