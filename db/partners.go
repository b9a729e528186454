package db

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
)

func scanPartner(row pgx.Row) (domain.Partner, error) {
	var p domain.Partner
	if err := row.Scan(&p.ID, &p.Code, &p.Name, &p.CreatedAt); err != nil {
		return domain.Partner{}, translate(err)
	}
	return p, nil
}

func (q queries) Partner(ctx context.Context, id string, scope domain.Scope) (domain.Partner, error) {
	if !validUUID(id) {
		return domain.Partner{}, domain.NotFound("partner", nil)
	}
	return scanPartner(q.q.QueryRow(ctx, `SELECT id, code, name, created_at FROM partners WHERE id = $1 AND ($2 OR id = $3)`,
		id, scope.All, nullable(scope.PartnerID)))
}

func (q queries) PartnerByCode(ctx context.Context, code string, scope domain.Scope) (domain.Partner, error) {
	return scanPartner(q.q.QueryRow(ctx, `SELECT id, code, name, created_at FROM partners WHERE code = $1 AND ($2 OR id = $3)`,
		code, scope.All, nullable(scope.PartnerID)))
}

func (t *txStore) InsertPartner(ctx context.Context, p *domain.Partner) error {
	p.ID = newID()
	_, err := t.tx.Exec(ctx, `INSERT INTO partners (id, code, name, created_at) VALUES ($1, $2, $3, $4)`, p.ID, p.Code, p.Name, p.CreatedAt)
	if domain.CodeOf(translate(err)) == domain.CodeAlreadyExists {
		return domain.Errorf(domain.CodeAlreadyExists, domain.Field("code"), "partner code %q is taken", p.Code)
	}
	return translate(err)
}

func (q queries) APIKeyByHash(ctx context.Context, hash string) (domain.APIKey, error) {
	return scanAPIKey(q.q.QueryRow(ctx, `SELECT id, role, account_id, partner_id, label, secret_hash, hint, created_at
		FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL`, hash))
}

func (q queries) APIKey(ctx context.Context, id string) (domain.APIKey, error) {
	if !validUUID(id) {
		return domain.APIKey{}, domain.NotFound("API key", nil)
	}
	return scanAPIKey(q.q.QueryRow(ctx, `SELECT id, role, account_id, partner_id, label, secret_hash, hint, created_at
		FROM api_keys WHERE id = $1`, id))
}

func scanAPIKey(row pgx.Row) (domain.APIKey, error) {
	var k domain.APIKey
	var account, partner *string
	err := row.Scan(&k.ID, &k.Role, &account, &partner, &k.Label, &k.SecretHash, &k.Hint, &k.CreatedAt)
	if err != nil {
		return domain.APIKey{}, translate(err)
	}
	if account != nil {
		k.AccountID = *account
	}
	if partner != nil {
		k.PartnerID = *partner
	}
	return k, nil
}

func (t *txStore) InsertAPIKey(ctx context.Context, k *domain.APIKey) error {
	k.ID = newID()
	_, err := t.tx.Exec(ctx, `INSERT INTO api_keys (id, role, account_id, partner_id, label, secret_hash, hint, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		k.ID, k.Role, nullable(k.AccountID), nullable(k.PartnerID), k.Label, k.SecretHash, k.Hint, k.CreatedAt)
	return translate(err)
}
