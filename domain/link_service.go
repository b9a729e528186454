package domain

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// LinkMarketplaceAccount asks to link a 1688 member to a KJB account (FAQ 7–9): it creates a
// PENDING link and has the marketplace deliver a 6-digit code to the member (LinkCodeSender,
// and a link.confirmation_requested webhook to the partner); ConfirmMarketplaceLink with
// that code makes it ACTIVE. Asking again for a pending link sends a new code. ACCOUNT (its
// own) or OPERATOR. Every rule that fails is reported: ALIPAY_INTERNATIONAL_LINKED,
// MEMBER_NOT_ALIPAY_VERIFIED, MEMBER_NOT_AUTHORIZED; ALREADY_LINKED when the member is actively
// linked to another account (linking it again to the same account returns the active link; a
// pending link never blocks anyone); NOT_FOUND for an unknown platform, member or account.
func (s *Service) LinkMarketplaceAccount(ctx context.Context, actor Actor, in LinkInput) (MarketplaceLink, error) {
	if err := actor.Can(ActLinkMarketplaceAccount); err != nil {
		return MarketplaceLink{}, err
	}
	in.Nickname = strings.TrimSpace(in.Nickname)
	if utf8.RuneCountInString(in.Nickname) > 100 {
		return MarketplaceLink{}, Errorf(CodeInvalidInput, Field("nickname"), "must be at most 100 characters")
	}
	var out MarketplaceLink
	code := NewLinkCode()
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		if _, err := tx.Account(ctx, in.AccountID, actor.Scope()); err != nil {
			return notFoundAs(err, "account", Field("accountId"))
		}
		p, err := tx.PartnerByCode(ctx, in.Platform, Scope{All: true})
		if err != nil {
			return notFoundAs(err, "platform", Field("platform"))
		}
		m, err := tx.Member(ctx, p.ID, in.MemberID)
		if err != nil {
			return notFoundAs(err, "marketplace member", Field("memberId"))
		}
		if existing, err := tx.ActiveLinkOfMember(ctx, m.ID); err == nil {
			if existing.AccountID == in.AccountID {
				out = existing
				return nil
			}
			return alreadyLinked()
		} else if CodeOf(err) != CodeNotFound {
			return err
		}
		if errs := LinkEligibility(m); len(errs) > 0 {
			return errs
		}
		now := s.clock.Now()
		pending, err := tx.LockPendingLink(ctx, in.AccountID, m.ID)
		switch {
		case err == nil:
			out = pending
			out.CodeHash, out.CodeExpiresAt, out.CodeAttempts = HashLinkCode(out.ID, code), now.Add(LinkCodeTTL), 0
			if in.Nickname != "" {
				out.Nickname = in.Nickname
			}
			if err := tx.UpdateLink(ctx, out); err != nil {
				return err
			}
		case CodeOf(err) == CodeNotFound:
			out = MarketplaceLink{AccountID: in.AccountID, PartnerID: p.ID, Platform: p.Code, MemberID: m.ID,
				MemberExternalID: m.ExternalID, Nickname: in.Nickname, Status: LinkPending, CreatedAt: now}
			if err := tx.InsertLink(ctx, &out); err != nil {
				return err
			}
			out.CodeHash, out.CodeExpiresAt = HashLinkCode(out.ID, code), now.Add(LinkCodeTTL)
			if err := tx.UpdateLink(ctx, out); err != nil {
				return err
			}
		default:
			return err
		}
		ev := linkEvent(EventLinkConfirmationRequested, out)
		ev.AccountID, ev.LinkCode = "", code // the partner's alone: the account must not read the code
		return s.emit(ctx, tx, ev)
	})
	if err != nil || out.Status != LinkPending {
		return out, err
	}
	if s.cfg.LinkCodes != nil {
		err = s.cfg.LinkCodes.SendLinkCode(ctx, LinkCodeRequest{LinkID: out.ID, PartnerID: out.PartnerID, Platform: out.Platform,
			MemberExternalID: out.MemberExternalID, Code: code, ExpiresAt: out.CodeExpiresAt})
	}
	return out, err
}

// ConfirmMarketplaceLink makes a PENDING link ACTIVE with the code its member received; from
// then on the account may pay and read the member's orders. Confirming an ACTIVE link returns
// it. ACCOUNT (its own) or OPERATOR. INVALID_INPUT naming code for a wrong code (each counts:
// after MaxLinkCodeAttempts the code is dead); INVALID_STATE for an expired or dead code or an
// unlinked link; ALREADY_LINKED when the member was linked to another account meanwhile; the
// eligibility codes when the member no longer qualifies; NOT_FOUND naming linkId otherwise.
func (s *Service) ConfirmMarketplaceLink(ctx context.Context, actor Actor, linkID, code string) (MarketplaceLink, error) {
	if err := actor.Can(ActConfirmMarketplaceLink); err != nil {
		return MarketplaceLink{}, err
	}
	var out MarketplaceLink
	var wrong error // a wrong code is a user error whose attempt must still be stored
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		wrong = nil
		l, err := tx.LockLink(ctx, linkID, actor.Scope())
		if err != nil {
			return notFoundAs(err, "link", Field("linkId"))
		}
		out = l
		switch l.Status {
		case LinkActive:
			return nil
		case LinkUnlinked:
			return Errorf(CodeInvalidState, Field("linkId"), "this link has been unlinked")
		}
		if err := CheckLinkCode(l, code, s.clock.Now()); err != nil {
			if CodeOf(err) != CodeInvalidInput {
				return err
			}
			out.CodeAttempts++
			wrong = err
			return tx.UpdateLink(ctx, out)
		}
		m, err := tx.MemberByID(ctx, l.MemberID, Scope{All: true})
		if err != nil {
			return err
		}
		if errs := LinkEligibility(m); len(errs) > 0 {
			return errs
		}
		out.Status, out.CodeHash, out.CodeExpiresAt, out.CodeAttempts = LinkActive, "", time.Time{}, 0
		if err := tx.UpdateLink(ctx, out); err != nil {
			if CodeOf(err) == CodeAlreadyExists {
				return alreadyLinked()
			}
			return err
		}
		return s.emit(ctx, tx, linkEvent(EventLinkCreated, out))
	})
	if err == nil && wrong != nil {
		return MarketplaceLink{}, wrong
	}
	return out, err
}

func linkEvent(typ string, l MarketplaceLink) Event {
	return Event{Type: typ, AccountID: l.AccountID, PartnerID: l.PartnerID, ObjectType: "MarketplaceLink", ObjectID: l.ID}
}

// UnlinkMarketplaceAccount ends a link; the member may then link to any account. Unlinking
// twice returns the unlinked link. NOT_FOUND for a link outside the actor's scope.
func (s *Service) UnlinkMarketplaceAccount(ctx context.Context, actor Actor, linkID string) (MarketplaceLink, error) {
	return s.changeLink(ctx, actor, ActUnlinkMarketplaceAccount, linkID, func(ctx context.Context, tx Tx, l *MarketplaceLink) error {
		if l.Status == LinkUnlinked {
			return nil
		}
		now := s.clock.Now()
		l.Status, l.CrossBorderPayActive, l.UnlinkedAt = LinkUnlinked, false, &now
		return s.emit(ctx, tx, linkEvent(EventLinkUnlinked, *l))
	})
}

// ActivateCrossBorderPay turns on Cross-border Pay (KJB) for a link; the account then gets
// the better CNH rate. KYC_NOT_VERIFIED unless the account is VERIFIED; INVALID_STATE for an
// unlinked link.
func (s *Service) ActivateCrossBorderPay(ctx context.Context, actor Actor, linkID string) (MarketplaceLink, error) {
	return s.changeLink(ctx, actor, ActActivateCrossBorderPay, linkID, func(ctx context.Context, tx Tx, l *MarketplaceLink) error {
		if l.Status != LinkActive {
			return Errorf(CodeInvalidState, Field("linkId"), "this link is not active: confirm it first, or link again")
		}
		acct, err := tx.Account(ctx, l.AccountID, Scope{All: true})
		if err != nil {
			return err
		}
		if acct.KycStatus != KycVerified {
			return Errorf(CodeKycNotVerified, Field("linkId"), "the KJB account must complete identity verification first")
		}
		l.CrossBorderPayActive = true
		return nil
	})
}

// changeLink checks act, locks a link within the actor's scope, applies change and stores it.
func (s *Service) changeLink(ctx context.Context, actor Actor, act Action, linkID string, change func(context.Context, Tx, *MarketplaceLink) error) (MarketplaceLink, error) {
	if err := actor.Can(act); err != nil {
		return MarketplaceLink{}, err
	}
	var out MarketplaceLink
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		l, err := tx.LockLink(ctx, linkID, actor.Scope())
		if err != nil {
			return notFoundAs(err, "link", Field("linkId"))
		}
		before := l
		if err := change(ctx, tx, &l); err != nil {
			return err
		}
		if l != before {
			if err := tx.UpdateLink(ctx, l); err != nil {
				return err
			}
		}
		out = l
		return nil
	})
	return out, err
}

// Link returns a link within the actor's scope.
func (s *Service) Link(ctx context.Context, actor Actor, id string) (MarketplaceLink, error) {
	if err := actor.Can(ActReadLink); err != nil {
		return MarketplaceLink{}, err
	}
	return s.store.Queries().Link(ctx, id, actor.Scope())
}

// Links lists an account's links, newest first, history included.
func (s *Service) Links(ctx context.Context, actor Actor, accountID string, page Page) (Slice[MarketplaceLink], error) {
	if _, err := s.Account(ctx, actor, accountID); err != nil {
		return Slice[MarketplaceLink]{}, err
	}
	rows, err := s.store.Queries().Links(ctx, accountID, page)
	return Cut(rows, page), err
}

// MemberLink returns a member's active link, if any (for MarketplaceMember.link).
func (s *Service) MemberLink(ctx context.Context, actor Actor, memberID string) (MarketplaceLink, bool, error) {
	if _, err := s.MemberByID(ctx, actor, memberID); err != nil {
		return MarketplaceLink{}, false, err
	}
	l, err := s.store.Queries().ActiveLinkOfMember(ctx, memberID)
	if CodeOf(err) == CodeNotFound {
		return MarketplaceLink{}, false, nil
	}
	return l, err == nil, err
}
