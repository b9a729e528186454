package domain

import "time"

// LinkStatus is the state of a link between a KJB account and a marketplace member.
type LinkStatus string

// MarketplaceLink binds a marketplace member to a KJB account. A member has at most one
// ACTIVE link; unlinked ones are kept as history.
type MarketplaceLink struct {
	ID                   string
	AccountID            string
	PartnerID            string
	Platform             string // the partner's code, e.g. "1688"
	MemberID             string // the MarketplaceMember's ID
	MemberExternalID     string // its id on the marketplace
	Nickname             string
	Status               LinkStatus
	CrossBorderPayActive bool
	CreatedAt            time.Time
	UnlinkedAt           *time.Time
}

// LinkEligibility lists every reason a member cannot be linked (empty: it can). The active
// link rule (ALREADY_LINKED) is enforced by the store, because only it can see races.
func LinkEligibility(m MarketplaceMember) Errors {
	var errs Errors
	if m.AlipayInternationalLinked {
		errs = append(errs, Errorf(CodeAlipayInternationalLinked, Field("memberId"),
			"this 1688 account is still bound to Alipay International: unbind it there, then link it here"))
	}
	if !m.AlipayVerified {
		errs = append(errs, Errorf(CodeMemberNotAlipayVerified, Field("memberId"),
			"this 1688 account has not completed Alipay identity verification"))
	}
	if !m.Authorized {
		errs = append(errs, Errorf(CodeMemberNotAuthorized, Field("memberId"),
			"this overseas 1688 account has not been authorized"))
	}
	return errs
}

// LinkInput is what linkMarketplaceAccount accepts.
type LinkInput struct {
	AccountID string
	Platform  string
	MemberID  string
	Nickname  string
}

func alreadyLinked() error {
	return Errorf(CodeAlreadyLinked, Field("memberId"), "this 1688 account is already linked to another KJB account")
}
