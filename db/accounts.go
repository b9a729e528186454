package db

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
)

const accountColumns = `id, name, type, country, kyc_status, kyc_note,
	EXISTS (SELECT 1 FROM marketplace_links l WHERE l.account_id = accounts.id AND l.status = 'ACTIVE' AND l.cross_border_pay_active),
	service_fee_rate, created_at`

func scanAccount(row pgx.Row) (domain.Account, error) {
	var a domain.Account
	err := row.Scan(&a.ID, &a.Name, &a.Type, &a.Country, &a.KycStatus, &a.KycNote, &a.CrossBorderPayActive, &a.ServiceFeeRate, &a.CreatedAt)
	if err != nil {
		return domain.Account{}, translate(err)
	}
	return a, nil
}

func (q queries) Account(ctx context.Context, id string, scope domain.Scope) (domain.Account, error) {
	if !validUUID(id) {
		return domain.Account{}, domain.NotFound("account", nil)
	}
	return scanAccount(q.q.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts
		WHERE id = $1 AND ($2 OR id = $3)`, id, scope.All, nullable(scope.AccountID)))
}

func (q queries) Accounts(ctx context.Context, scope domain.Scope, page domain.Page) ([]domain.Account, error) {
	after := page.After
	if after != "" && !validUUID(after) {
		return nil, domain.Errorf(domain.CodeInvalidInput, domain.Field("after"), "is not a cursor of this list")
	}
	rows, err := q.q.Query(ctx, `SELECT `+accountColumns+` FROM accounts
		WHERE ($1 OR id = $2) AND ($3::uuid IS NULL OR id < $3)
		ORDER BY id DESC LIMIT $4`, scope.All, nullable(scope.AccountID), nullable(after), page.First+1)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Account, error) { return scanAccount(r) })
}

func (t *txStore) LockAccount(ctx context.Context, id string) (domain.Account, error) {
	if !validUUID(id) {
		return domain.Account{}, domain.NotFound("account", nil)
	}
	return scanAccount(t.tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1 FOR NO KEY UPDATE`, id))
}

func (t *txStore) InsertAccount(ctx context.Context, a *domain.Account) error {
	a.ID = newID()
	_, err := t.tx.Exec(ctx, `INSERT INTO accounts (id, name, type, country, kyc_status, kyc_note, service_fee_rate, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, a.ID, a.Name, a.Type, a.Country, a.KycStatus, a.KycNote, a.ServiceFeeRate, a.CreatedAt)
	return translate(err)
}

func (t *txStore) UpdateAccountKyc(ctx context.Context, id string, status domain.KycStatus, note string) error {
	_, err := t.tx.Exec(ctx, `UPDATE accounts SET kyc_status = $2, kyc_note = $3 WHERE id = $1`, id, status, note)
	return translate(err)
}

func (q queries) Balances(ctx context.Context, accountID string) ([]domain.Balance, error) {
	rows, err := q.q.Query(ctx, `SELECT account_id, currency, available FROM balances
		WHERE account_id = $1 ORDER BY currency`, accountID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Balance, error) {
		var b domain.Balance
		err := r.Scan(&b.AccountID, &b.Available.Currency, &b.Available.Amount)
		return b, err
	})
}
