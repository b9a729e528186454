package domain

// Role is what an API key may do.
type Role string

const (
	RoleOperator Role = "OPERATOR" // WorldFirst operations: everything
	RolePartner  Role = "PARTNER"  // one marketplace partner (e.g. 1688)
	RoleAccount  Role = "ACCOUNT"  // one KJB account
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r == RoleOperator || r == RolePartner || r == RoleAccount }

// Actor is who is calling: the principal behind an API key, or the anonymous caller.
type Actor struct {
	KeyID     string
	Role      Role // "" for anonymous
	AccountID string
	PartnerID string
}

// Anonymous is the caller without an API key.
var Anonymous = Actor{}

// IsAnonymous reports whether no API key stands behind the actor.
func (a Actor) IsAnonymous() bool { return a.Role == "" }

// IsOperator reports whether the actor has operator rights.
func (a Actor) IsOperator() bool { return a.Role == RoleOperator }

// Principal is the stable name idempotency keys and audit trails are scoped to.
func (a Actor) Principal() string {
	switch a.Role {
	case RoleAccount:
		return "account:" + a.AccountID
	case RolePartner:
		return "partner:" + a.PartnerID
	case RoleOperator:
		return "operator:" + a.KeyID
	}
	return "anonymous"
}

// MayIntrospect reports whether the actor may read the schema by introspection outside
// sandbox mode (the access table's Introspect row).
func (a Actor) MayIntrospect() bool { return a.Can(ActIntrospect) == nil }
