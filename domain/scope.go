package domain

// Scope is what rows an actor may see, applied in SQL by the store: everything (operator),
// one partner's rows, or one account's rows. The zero Scope sees nothing. A role's right to
// call an operation at all is the access table's (Actor.Can); which objects it reaches is
// its Scope.
type Scope struct {
	All       bool
	PartnerID string
	AccountID string
}

// Scope returns the actor's visibility (the zero Scope for the anonymous caller).
func (a Actor) Scope() Scope {
	switch a.Role {
	case RoleOperator:
		return Scope{All: true}
	case RolePartner:
		return Scope{PartnerID: a.PartnerID}
	case RoleAccount:
		return Scope{AccountID: a.AccountID}
	}
	return Scope{}
}

// None reports whether the scope sees nothing.
func (s Scope) None() bool { return !s.All && s.PartnerID == "" && s.AccountID == "" }

// Sees reports whether an object owned by partnerID and/or accountID ("" for no owner of
// that kind) is within the scope. It is the same rule the store applies in SQL, for objects
// that are not read through the store (live events).
func (s Scope) Sees(partnerID, accountID string) bool {
	return s.All || (s.PartnerID != "" && partnerID == s.PartnerID) || (s.AccountID != "" && accountID == s.AccountID)
}
