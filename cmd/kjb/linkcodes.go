package main

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/sandboxlink"
)

// linkCodes is how link confirmation codes reach members: in sandbox mode the sandbox
// marketplace records them (table sandbox_link_codes); otherwise the partner delivers the
// code it receives in the link.confirmation_requested webhook.
func linkCodes(cfg config, pool *pgxpool.Pool) domain.LinkCodeSender {
	if cfg.Sandbox {
		return sandboxlink.Sender{Pool: pool}
	}
	return nil
}
