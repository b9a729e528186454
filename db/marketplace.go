package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
)

// scopeArgs turns a scope into the three parameters every scoped query takes:
// all (boolean), partner (uuid or NULL) and account (uuid or NULL).
func scopeArgs(s domain.Scope) (bool, *string, *string) {
	return s.All, nullable(s.PartnerID), nullable(s.AccountID)
}

// activeLinkTo is true when member column m is actively linked to the account parameter.
func activeLinkTo(m, account string) string {
	return `EXISTS (SELECT 1 FROM marketplace_links sl WHERE sl.member_row_id = ` + m +
		` AND sl.account_id = ` + account + ` AND sl.status = 'ACTIVE')`
}

const memberColumns = `id, partner_id, member_id, type, alipay_verified, authorized, mainland_alipay_linked, alipay_international_linked, updated_at`

func scanMember(row pgx.Row) (domain.MarketplaceMember, error) {
	var m domain.MarketplaceMember
	err := row.Scan(&m.ID, &m.PartnerID, &m.ExternalID, &m.Type, &m.AlipayVerified, &m.Authorized, &m.MainlandAlipayLinked, &m.AlipayInternationalLinked, &m.UpdatedAt)
	return m, translate(err)
}

func (q queries) Member(ctx context.Context, partnerID, memberID string) (domain.MarketplaceMember, error) {
	return scanMember(q.q.QueryRow(ctx, `SELECT `+memberColumns+` FROM marketplace_members WHERE partner_id = $1 AND member_id = $2`, partnerID, memberID))
}

func (q queries) MemberByID(ctx context.Context, id string, scope domain.Scope) (domain.MarketplaceMember, error) {
	if !validUUID(id) {
		return domain.MarketplaceMember{}, domain.NotFound("marketplace member", nil)
	}
	all, partner, account := scopeArgs(scope)
	return scanMember(q.q.QueryRow(ctx, `SELECT `+memberColumns+` FROM marketplace_members m
		WHERE id = $1 AND ($2 OR partner_id = $3 OR `+activeLinkTo("m.id", "$4")+`)`, id, all, partner, account))
}

func (t *txStore) UpsertMember(ctx context.Context, m *domain.MarketplaceMember) error {
	return translate(t.tx.QueryRow(ctx, `INSERT INTO marketplace_members (id, partner_id, member_id, type, alipay_verified, authorized,
			mainland_alipay_linked, alipay_international_linked, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
		ON CONFLICT (partner_id, member_id) DO UPDATE SET type = EXCLUDED.type, alipay_verified = EXCLUDED.alipay_verified,
			authorized = EXCLUDED.authorized, mainland_alipay_linked = EXCLUDED.mainland_alipay_linked,
			alipay_international_linked = EXCLUDED.alipay_international_linked, updated_at = EXCLUDED.updated_at
		RETURNING id`, newID(), m.PartnerID, m.ExternalID, m.Type, m.AlipayVerified, m.Authorized, m.MainlandAlipayLinked,
		m.AlipayInternationalLinked, m.UpdatedAt).Scan(&m.ID))
}

const supplierColumns = `id, partner_id, supplier_id, name, accepts_cross_border_pay, payout_account, updated_at`

func scanSupplier(row pgx.Row) (domain.Supplier, error) {
	var s domain.Supplier
	err := row.Scan(&s.ID, &s.PartnerID, &s.ExternalID, &s.Name, &s.AcceptsCrossBorderPay, &s.PayoutAccount, &s.UpdatedAt)
	return s, translate(err)
}

func (q queries) Supplier(ctx context.Context, partnerID, supplierID string) (domain.Supplier, error) {
	return scanSupplier(q.q.QueryRow(ctx, `SELECT `+supplierColumns+` FROM suppliers WHERE partner_id = $1 AND supplier_id = $2`, partnerID, supplierID))
}

func (q queries) SupplierByID(ctx context.Context, id string, scope domain.Scope) (domain.Supplier, error) {
	if !validUUID(id) {
		return domain.Supplier{}, domain.NotFound("supplier", nil)
	}
	all, partner, _ := scopeArgs(scope)
	return scanSupplier(q.q.QueryRow(ctx, `SELECT `+supplierColumns+` FROM suppliers WHERE id = $1 AND ($2 OR partner_id = $3)`, id, all, partner))
}

func (t *txStore) UpsertSupplier(ctx context.Context, s *domain.Supplier) error {
	return translate(t.tx.QueryRow(ctx, `INSERT INTO suppliers (id, partner_id, supplier_id, name, accepts_cross_border_pay, payout_account, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
		ON CONFLICT (partner_id, supplier_id) DO UPDATE SET name = EXCLUDED.name, accepts_cross_border_pay = EXCLUDED.accepts_cross_border_pay,
			payout_account = EXCLUDED.payout_account, updated_at = EXCLUDED.updated_at
		RETURNING id`, newID(), s.PartnerID, s.ExternalID, s.Name, s.AcceptsCrossBorderPay, s.PayoutAccount, s.UpdatedAt).Scan(&s.ID))
}

const linkSelect = `SELECT l.id, l.account_id, l.partner_id, p.code, l.member_row_id, m.member_id, l.nickname, l.status,
	l.cross_border_pay_active, l.created_at, l.unlinked_at, l.code_hash, l.code_expires_at, l.code_attempts, lim.daily, lim.monthly
	FROM marketplace_links l JOIN partners p ON p.id = l.partner_id JOIN marketplace_members m ON m.id = l.member_row_id
	LEFT JOIN link_spending_limits lim ON lim.link_id = l.id`

func scanLink(row pgx.Row) (domain.MarketplaceLink, error) {
	var l domain.MarketplaceLink
	var expires *time.Time
	err := row.Scan(&l.ID, &l.AccountID, &l.PartnerID, &l.Platform, &l.MemberID, &l.MemberExternalID, &l.Nickname, &l.Status,
		&l.CrossBorderPayActive, &l.CreatedAt, &l.UnlinkedAt, &l.CodeHash, &expires, &l.CodeAttempts, &l.Limits.Daily, &l.Limits.Monthly)
	if expires != nil {
		l.CodeExpiresAt = *expires
	}
	return l, translate(err)
}

func (q queries) Link(ctx context.Context, id string, scope domain.Scope) (domain.MarketplaceLink, error) {
	if !validUUID(id) {
		return domain.MarketplaceLink{}, domain.NotFound("link", nil)
	}
	all, partner, account := scopeArgs(scope)
	return scanLink(q.q.QueryRow(ctx, linkSelect+` WHERE l.id = $1 AND ($2 OR l.partner_id = $3 OR l.account_id = $4)`, id, all, partner, account))
}

func (t *txStore) LockLink(ctx context.Context, id string, scope domain.Scope) (domain.MarketplaceLink, error) {
	if !validUUID(id) {
		return domain.MarketplaceLink{}, domain.NotFound("link", nil)
	}
	all, partner, account := scopeArgs(scope)
	return scanLink(t.tx.QueryRow(ctx, linkSelect+` WHERE l.id = $1 AND ($2 OR l.partner_id = $3 OR l.account_id = $4) FOR UPDATE OF l`,
		id, all, partner, account))
}

func (t *txStore) LockPendingLink(ctx context.Context, accountID, memberID string) (domain.MarketplaceLink, error) {
	return scanLink(t.tx.QueryRow(ctx, linkSelect+` WHERE l.account_id = $1 AND l.member_row_id = $2 AND l.status = 'PENDING'
		ORDER BY l.id DESC LIMIT 1 FOR UPDATE OF l`, accountID, memberID))
}

func (q queries) ActiveLinkOfMember(ctx context.Context, memberID string) (domain.MarketplaceLink, error) {
	return scanLink(q.q.QueryRow(ctx, linkSelect+` WHERE l.member_row_id = $1 AND l.status = 'ACTIVE'`, memberID))
}

func (q queries) Links(ctx context.Context, accountID string, page domain.Page) ([]domain.MarketplaceLink, error) {
	if page.After != "" && !validUUID(page.After) {
		return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
	}
	rows, err := q.q.Query(ctx, linkSelect+` WHERE l.account_id = $1 AND ($2::uuid IS NULL OR l.id < $2) ORDER BY l.id DESC LIMIT $3`,
		accountID, nullable(page.After), page.First+1)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.MarketplaceLink, error) { return scanLink(r) })
}

func (t *txStore) InsertLink(ctx context.Context, l *domain.MarketplaceLink) error {
	l.ID = newID()
	_, err := t.tx.Exec(ctx, `INSERT INTO marketplace_links (id, account_id, partner_id, member_row_id, nickname, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, l.ID, l.AccountID, l.PartnerID, l.MemberID, l.Nickname, l.Status, l.CreatedAt)
	return translate(err)
}

func (t *txStore) UpdateLink(ctx context.Context, l domain.MarketplaceLink) error {
	_, err := t.tx.Exec(ctx, `UPDATE marketplace_links SET status = $2, cross_border_pay_active = $3, unlinked_at = $4,
		code_hash = $5, code_expires_at = $6, code_attempts = $7 WHERE id = $1`,
		l.ID, l.Status, l.CrossBorderPayActive, l.UnlinkedAt, l.CodeHash, nullableTime(l.CodeExpiresAt), l.CodeAttempts)
	return translate(err)
}

const orderSelect = `SELECT o.id, o.partner_id, o.external_id, o.buyer_member_row_id, m.member_id,
	s.id, s.partner_id, s.supplier_id, s.name, s.accepts_cross_border_pay, s.payout_account, s.updated_at,
	o.amount, o.currency, o.trade_mode, o.contains_prohibited_items, o.red_packet_discount, o.status, o.created_at, o.updated_at
	FROM orders o JOIN marketplace_members m ON m.id = o.buyer_member_row_id JOIN suppliers s ON s.id = o.supplier_row_id`

const orderScope = `($2 OR o.partner_id = $3 OR ` + `EXISTS (SELECT 1 FROM marketplace_links sl WHERE sl.member_row_id = o.buyer_member_row_id AND sl.account_id = $4 AND sl.status = 'ACTIVE'))`

func scanOrder(row pgx.Row) (domain.Order, error) {
	var o domain.Order
	s := &o.Supplier
	err := row.Scan(&o.ID, &o.PartnerID, &o.ExternalID, &o.BuyerMemberID, &o.BuyerMemberExternalID,
		&s.ID, &s.PartnerID, &s.ExternalID, &s.Name, &s.AcceptsCrossBorderPay, &s.PayoutAccount, &s.UpdatedAt,
		&o.Amount.Amount, &o.Amount.Currency, &o.TradeMode, &o.ContainsProhibitedItems, &o.RedPacketDiscount, &o.Status, &o.CreatedAt, &o.UpdatedAt)
	return o, translate(err)
}

func (q queries) Order(ctx context.Context, id string, scope domain.Scope) (domain.Order, error) {
	if !validUUID(id) {
		return domain.Order{}, domain.NotFound("order", nil)
	}
	all, partner, account := scopeArgs(scope)
	return scanOrder(q.q.QueryRow(ctx, orderSelect+` WHERE o.id = $1 AND `+orderScope, id, all, partner, account))
}

func (t *txStore) LockOrder(ctx context.Context, id string, scope domain.Scope) (domain.Order, error) {
	if !validUUID(id) {
		return domain.Order{}, domain.NotFound("order", nil)
	}
	all, partner, account := scopeArgs(scope)
	return scanOrder(t.tx.QueryRow(ctx, orderSelect+` WHERE o.id = $1 AND `+orderScope+` FOR UPDATE OF o`, id, all, partner, account))
}

func (q queries) OrderByExternalID(ctx context.Context, partnerID, externalID string) (domain.Order, error) {
	return scanOrder(q.q.QueryRow(ctx, orderSelect+` WHERE o.partner_id = $1 AND o.external_id = $2`, partnerID, externalID))
}

func (q queries) Orders(ctx context.Context, scope domain.Scope, status domain.OrderStatus, page domain.Page) ([]domain.Order, error) {
	if page.After != "" && !validUUID(page.After) {
		return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
	}
	var l listSQL
	l.scope(scope, "o.partner_id", "", `EXISTS (SELECT 1 FROM marketplace_links sl WHERE sl.member_row_id = o.buyer_member_row_id
		AND sl.account_id = %s AND sl.status = 'ACTIVE')`)
	if status != "" {
		l.filter("o.status = %s", string(status))
	}
	if page.After != "" {
		l.and("o.id < %s", page.After)
	}
	rows, err := q.q.Query(ctx, l.newestFirst(orderSelect, "o.id", "orders o", page.First+1), l.args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Order, error) { return scanOrder(r) })
}

func (t *txStore) InsertOrder(ctx context.Context, o *domain.Order) (bool, error) {
	id := newID()
	tag, err := t.tx.Exec(ctx, `INSERT INTO orders (id, partner_id, external_id, buyer_member_row_id, supplier_row_id, amount, currency,
			trade_mode, contains_prohibited_items, red_packet_discount, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) ON CONFLICT (partner_id, external_id) DO NOTHING`,
		id, o.PartnerID, o.ExternalID, o.BuyerMemberID, o.Supplier.ID, o.Amount.Amount, o.Amount.Currency, o.TradeMode,
		o.ContainsProhibitedItems, o.RedPacketDiscount, o.Status, o.CreatedAt)
	if err != nil {
		return false, translate(err)
	}
	if tag.RowsAffected() == 1 {
		o.ID = id
		return true, nil
	}
	existing, err := t.OrderByExternalID(ctx, o.PartnerID, o.ExternalID)
	if err != nil {
		return false, err
	}
	*o = existing
	return false, nil
}

func (t *txStore) SetOrdersStatus(ctx context.Context, ids []string, status domain.OrderStatus, at time.Time) error {
	t.tx.deferExec(`UPDATE orders SET status = $2, updated_at = $3 WHERE id = ANY($1::uuid[])`, ids, status, at)
	return nil
}

func (t *txStore) SetOrderStatus(ctx context.Context, id string, status domain.OrderStatus, at time.Time) error {
	t.tx.deferExec(`UPDATE orders SET status = $2, updated_at = $3 WHERE id = $1`, id, status, at)
	return nil
}
