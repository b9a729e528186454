package domain

// Scope is what rows an actor may see, applied in SQL by the store: everything (operator),
// one partner's rows, or one account's rows. The zero Scope sees nothing.
type Scope struct {
	All       bool
	PartnerID string
	AccountID string
}

// Scope returns the actor's visibility.
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
