package domain

import (
	"context"
)

// UpsertMember registers or updates a 1688 buyer account as the partner knows it. PARTNER
// only; members are scoped to their partner.
func (s *Service) UpsertMember(ctx context.Context, actor Actor, in UpsertMemberInput) (MarketplaceMember, error) {
	if err := actor.Can(ActUpsertMember); err != nil {
		return MarketplaceMember{}, err
	}
	var errs Errors
	if err := validateExternalID(in.MemberID, Field("memberId")); err != nil {
		errs = append(errs, err.(*Error))
	}
	if in.Type != AccountCorporate && in.Type != AccountPersonal {
		errs = append(errs, Errorf(CodeInvalidInput, Field("type"), "must be CORPORATE or PERSONAL"))
	}
	if err := errs.Err(); err != nil {
		return MarketplaceMember{}, err
	}
	m := MarketplaceMember{PartnerID: actor.PartnerID, ExternalID: in.MemberID, Type: in.Type,
		AlipayVerified: in.AlipayVerified, Authorized: in.Authorized, MainlandAlipayLinked: in.MainlandAlipayLinked,
		AlipayInternationalLinked: in.AlipayInternationalLinked, UpdatedAt: s.clock.Now()}
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.UpsertMember(ctx, &m) })
	return m, err
}

// UpsertSupplier registers or updates a supplier. PARTNER only. The payout account is stored
// and only ever shown masked.
func (s *Service) UpsertSupplier(ctx context.Context, actor Actor, in UpsertSupplierInput) (Supplier, error) {
	if err := actor.Can(ActUpsertSupplier); err != nil {
		return Supplier{}, err
	}
	var errs Errors
	if err := validateExternalID(in.SupplierID, Field("supplierId")); err != nil {
		errs = append(errs, err.(*Error))
	}
	name, err := validateName(in.Name, Field("name"))
	if err != nil {
		errs = append(errs, err.(*Error))
	}
	if !payoutAccountSyntax.MatchString(in.PayoutAccount) {
		errs = append(errs, Errorf(CodeInvalidInput, Field("payoutAccount"), "must be 4 to 64 letters, digits or @ . _ + -"))
	}
	if err := errs.Err(); err != nil {
		return Supplier{}, err
	}
	sup := Supplier{PartnerID: actor.PartnerID, ExternalID: in.SupplierID, Name: name,
		AcceptsCrossBorderPay: in.AcceptsCrossBorderPay, PayoutAccount: in.PayoutAccount, UpdatedAt: s.clock.Now()}
	err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.UpsertSupplier(ctx, &sup) })
	return sup, err
}

// Member returns a member of the calling partner by its marketplace id. PARTNER only;
// NOT_FOUND for another partner's member.
func (s *Service) Member(ctx context.Context, actor Actor, memberID string) (MarketplaceMember, error) {
	if err := actor.Can(ActReadMember); err != nil {
		return MarketplaceMember{}, err
	}
	return s.store.Queries().Member(ctx, actor.PartnerID, memberID)
}

// MemberByID returns a member by its KJB id within the actor's scope.
func (s *Service) MemberByID(ctx context.Context, actor Actor, id string) (MarketplaceMember, error) {
	if err := actor.Can(ActReadMemberByID); err != nil {
		return MarketplaceMember{}, err
	}
	return s.store.Queries().MemberByID(ctx, id, actor.Scope())
}

// Supplier returns a supplier of the calling partner.
func (s *Service) Supplier(ctx context.Context, actor Actor, supplierID string) (Supplier, error) {
	if err := actor.Can(ActReadSupplier); err != nil {
		return Supplier{}, err
	}
	return s.store.Queries().Supplier(ctx, actor.PartnerID, supplierID)
}

// SupplierByID returns a supplier by its KJB id within the actor's scope (partner, operator).
func (s *Service) SupplierByID(ctx context.Context, actor Actor, id string) (Supplier, error) {
	if err := actor.Can(ActReadSupplierByID); err != nil {
		return Supplier{}, err
	}
	return s.store.Queries().SupplierByID(ctx, id, actor.Scope())
}
