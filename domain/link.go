package domain

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"
)

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
	// The confirmation code of a PENDING link: its hash, expiry and failed attempts.
	CodeHash      string
	CodeExpiresAt time.Time
	CodeAttempts  int
	// Limits caps the payments of the link per Asia/Shanghai day and month.
	Limits LinkLimits
}

// Link confirmation: the member proves consent with a 6-digit code the marketplace delivers.
const (
	LinkCodeTTL         = 10 * time.Minute
	MaxLinkCodeAttempts = 5
)

// LinkCodeRequest asks a marketplace to deliver a confirmation code to one of its members.
type LinkCodeRequest struct {
	LinkID           string
	PartnerID        string
	Platform         string
	MemberExternalID string
	Code             string
	ExpiresAt        time.Time
}

// LinkCodeSender delivers link confirmation codes to marketplace members (the marketplace's
// own channel to them). The partner also receives each code in a link.confirmation_requested
// webhook.
type LinkCodeSender interface {
	SendLinkCode(ctx context.Context, r LinkCodeRequest) error
}

// NewLinkCode returns a uniformly random 6-digit code.
func NewLinkCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// HashLinkCode is how a link's code is stored: bound to the link, never in clear.
func HashLinkCode(linkID, code string) string {
	sum := sha256.Sum256([]byte(linkID + ":" + code))
	return hex.EncodeToString(sum[:])
}

// CheckLinkCode decides a confirmation attempt on a PENDING link at now: nil when code is
// right; INVALID_STATE when the code expired or the attempts are used up (a new link request
// sends a new code); INVALID_INPUT naming code when it is wrong.
func CheckLinkCode(l MarketplaceLink, code string, now time.Time) error {
	switch {
	case !now.Before(l.CodeExpiresAt):
		return Errorf(CodeInvalidState, Field("code"), "the code has expired: ask for a new one with linkMarketplaceAccount")
	case l.CodeAttempts >= MaxLinkCodeAttempts:
		return Errorf(CodeInvalidState, Field("code"), "too many wrong codes: ask for a new one with linkMarketplaceAccount")
	case subtle.ConstantTimeCompare([]byte(HashLinkCode(l.ID, code)), []byte(l.CodeHash)) != 1:
		left := MaxLinkCodeAttempts - l.CodeAttempts - 1
		return Errorf(CodeInvalidInput, Field("code"), "the code is not right (%d attempts left)", left)
	}
	return nil
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

const (
	LinkPending  LinkStatus = "PENDING"
	LinkActive   LinkStatus = "ACTIVE"
	LinkUnlinked LinkStatus = "UNLINKED"
)
