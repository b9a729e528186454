package db

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

var errNoSealer = errors.New("db: no secret keyring configured (KJB_SECRET_KEYS)")

// seal encrypts a secret for storage; "" (no secret) stays "".
func (q queries) seal(plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	if q.sealer == nil {
		return "", errNoSealer
	}
	return q.sealer.Seal(plain)
}

// openSecrets decrypts stored secrets in place.
func (q queries) openSecrets(secrets ...*string) error {
	for _, s := range secrets {
		if *s == "" {
			continue
		}
		if q.sealer == nil {
			return errNoSealer
		}
		plain, err := q.sealer.Open(*s)
		if err != nil {
			return err
		}
		*s = plain
	}
	return nil
}

// Rewrapper re-encrypts a sealed secret under the current key (secretbox.Keyring).
type Rewrapper interface {
	Rewrap(sealed string) (out string, changed bool, err error)
}

// RewrapSecrets re-encrypts every stored webhook secret under the current key, one endpoint
// per transaction, and returns how many endpoints changed. Safe to run while the API and
// workers run (their keyrings must hold both keys) and any number of times.
func RewrapSecrets(ctx context.Context, pool *pgxpool.Pool, r Rewrapper) (int, error) {
	rows, err := pool.Query(ctx, `SELECT id FROM webhook_endpoints ORDER BY id`)
	if err != nil {
		return 0, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, id := range ids {
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			var secret, previous string
			if err := tx.QueryRow(ctx, `SELECT secret, previous_secret FROM webhook_endpoints WHERE id = $1 FOR UPDATE`, id).Scan(&secret, &previous); err != nil {
				return err
			}
			s, c1, err := rewrapOptional(r, secret)
			if err != nil {
				return err
			}
			p, c2, err := rewrapOptional(r, previous)
			if err != nil || !c1 && !c2 {
				return err
			}
			changed++
			_, err = tx.Exec(ctx, `UPDATE webhook_endpoints SET secret = $2, previous_secret = $3 WHERE id = $1`, id, s, p)
			return err
		})
		if err != nil {
			return changed, err
		}
	}
	return changed, nil
}

func rewrapOptional(r Rewrapper, v string) (string, bool, error) {
	if v == "" {
		return "", false, nil
	}
	return r.Rewrap(v)
}
