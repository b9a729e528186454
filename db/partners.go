package db

import (
	"context"
	"time"

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

const apiKeyColumns = `id, role, account_id, partner_id, label, secret_hash, hint, created_at, expires_at, revoked_at, last_used_at`

// APIKeyByHash returns the key with this secret hash, revoked or not: the rules decide.
func (q queries) APIKeyByHash(ctx context.Context, hash string) (domain.APIKey, error) {
	return scanAPIKey(q.q.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE secret_hash = $1`, hash))
}

func (q queries) APIKey(ctx context.Context, id string) (domain.APIKey, error) {
	if !validUUID(id) {
		return domain.APIKey{}, domain.NotFound("API key", nil)
	}
	return scanAPIKey(q.q.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = $1`, id))
}

// APIKeys pages by id (UUIDv7: newest first); the cursor is a key id.
func (q queries) APIKeys(ctx context.Context, page domain.Page) ([]domain.APIKey, error) {
	if page.After != "" && !validUUID(page.After) {
		return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
	}
	rows, err := q.q.Query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE ($1::uuid IS NULL OR id < $1)
		ORDER BY id DESC LIMIT $2`, nullable(page.After), page.First+1)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.APIKey, error) { return scanAPIKey(r) })
}

func (t *txStore) LockAPIKey(ctx context.Context, id string) (domain.APIKey, error) {
	if !validUUID(id) {
		return domain.APIKey{}, domain.NotFound("API key", nil)
	}
	return scanAPIKey(t.tx.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = $1 FOR UPDATE`, id))
}

func (t *txStore) SetAPIKeyEnd(ctx context.Context, id string, revokedAt, expiresAt time.Time) error {
	_, err := t.tx.Exec(ctx, `UPDATE api_keys SET revoked_at = $2, expires_at = $3 WHERE id = $1`,
		id, nullableTime(revokedAt), nullableTime(expiresAt))
	return translate(err)
}

func (t *txStore) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	_, err := t.tx.Exec(ctx, `UPDATE api_keys SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $2::timestamptz - interval '1 minute')`, id, at)
	return translate(err)
}

func nullableTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func scanAPIKey(row pgx.Row) (domain.APIKey, error) {
	var k domain.APIKey
	var account, partner *string
	var expires, revoked, used *time.Time
	err := row.Scan(&k.ID, &k.Role, &account, &partner, &k.Label, &k.SecretHash, &k.Hint, &k.CreatedAt, &expires, &revoked, &used)
	if err != nil {
		return domain.APIKey{}, translate(err)
	}
	if account != nil {
		k.AccountID = *account
	}
	if partner != nil {
		k.PartnerID = *partner
	}
	for _, f := range []struct {
		from *time.Time
		to   *time.Time
	}{{expires, &k.ExpiresAt}, {revoked, &k.RevokedAt}, {used, &k.LastUsedAt}} {
		if f.from != nil {
			*f.to = *f.from
		}
	}
	return k, nil
}

func (t *txStore) InsertAPIKey(ctx context.Context, k *domain.APIKey) error {
	k.ID = newID()
	_, err := t.tx.Exec(ctx, `INSERT INTO api_keys (id, role, account_id, partner_id, label, secret_hash, hint, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		k.ID, k.Role, nullable(k.AccountID), nullable(k.PartnerID), k.Label, k.SecretHash, k.Hint, k.CreatedAt, nullableTime(k.ExpiresAt))
	return translate(err)
}
