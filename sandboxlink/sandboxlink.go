// Package sandboxlink is the sandbox marketplace's side of link confirmation: it implements
// domain.LinkCodeSender by recording each code it is asked to deliver in Postgres
// (sandbox_link_codes), where demos and tests read what the member would have received.
package sandboxlink

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/domain"
)

// Sender records codes instead of delivering them.
type Sender struct{ Pool *pgxpool.Pool }

var _ domain.LinkCodeSender = Sender{}

// SendLinkCode records the latest code of a link.
func (s Sender) SendLinkCode(ctx context.Context, r domain.LinkCodeRequest) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO sandbox_link_codes (link_id, member_external_id, code, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (link_id) DO UPDATE SET code = EXCLUDED.code, expires_at = EXCLUDED.expires_at, sent_at = now()`,
		r.LinkID, r.MemberExternalID, r.Code, r.ExpiresAt)
	return err
}

// Code returns the last code sent for a link ("" when none).
func (s Sender) Code(ctx context.Context, linkID string) (string, error) {
	var code string
	err := s.Pool.QueryRow(ctx, `SELECT coalesce((SELECT code FROM sandbox_link_codes WHERE link_id = $1), '')`, linkID).Scan(&code)
	return code, err
}
