package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph"
	"github.com/kjb/kjb/worker"
)

func cmdMigrate(ctx context.Context) error {
	p, err := connect(ctx, false, false, "kjb-migrate")
	if err != nil {
		return err
	}
	defer p.close()
	return migrate(ctx, p)
}

func migrate(ctx context.Context, p *parts) error {
	applied, err := db.Migrate(ctx, p.pool)
	if err != nil {
		return err
	}
	if err := worker.Migrate(ctx, p.pool); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	p.log.Info("migrations applied", "kjb", applied)
	return nil
}

func cmdAPIKey(ctx context.Context, args []string) error {
	if len(args) == 2 && args[0] == "revoke" {
		return revokeAPIKey(ctx, args[1])
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: kjb apikey create --role ROLE [--account ID] [--partner CODE] [--label TEXT] | kjb apikey revoke ID")
	}
	fs := flag.NewFlagSet("apikey create", flag.ContinueOnError)
	role := fs.String("role", "", "OPERATOR, PARTNER or ACCOUNT")
	account := fs.String("account", "", "the account's id (for ACCOUNT keys)")
	partner := fs.String("partner", "", "the partner's code, e.g. 1688 (for PARTNER keys)")
	label := fs.String("label", "", "a note to tell keys apart")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	p, err := connect(ctx, false, false, "kjb-apikey")
	if err != nil {
		return err
	}
	defer p.close()
	_, secret, err := p.svc.CreateAPIKey(ctx, system, domain.CreateAPIKeyInput{
		Role: domain.Role(strings.ToUpper(*role)), AccountID: graph.RawAccountID(*account), PartnerCode: *partner, Label: *label})
	if err != nil {
		return err
	}
	fmt.Println(secret)
	return nil
}

// revokeAPIKey ends a key (by its API id or raw id) at once, in every API process.
func revokeAPIKey(ctx context.Context, id string) error {
	p, err := connect(ctx, false, false, "kjb-apikey")
	if err != nil {
		return err
	}
	defer p.close()
	k, err := p.svc.RevokeAPIKey(ctx, system, graph.RawAPIKeyID(id))
	if err != nil {
		return err
	}
	fmt.Printf("revoked %s (%s, ...%s) at %s\n", graph.APIKeyGlobalID(k.ID), k.Role, k.Hint, k.RevokedAt.UTC().Format(time.RFC3339))
	return nil
}

func cmdAudit(ctx context.Context, args []string) (bool, error) {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	incremental := fs.Bool("incremental", false, "check only what changed since the last clean audit (as the hourly job does)")
	if err := fs.Parse(args); err != nil {
		return false, err
	}
	p, err := connect(ctx, false, false, "kjb-audit")
	if err != nil {
		return false, err
	}
	defer p.close()
	audit := p.svc.Audit
	if *incremental {
		audit = p.svc.AuditIncremental
	}
	vs, err := audit(ctx)
	if err != nil {
		return false, err
	}
	for _, v := range vs {
		fmt.Fprintf(os.Stdout, "VIOLATION %s: %s\n", v.Check, v.Detail)
	}
	if len(vs) > 0 {
		fmt.Fprintf(os.Stdout, "ledger audit: %d violation(s)\n", len(vs))
		return false, nil
	}
	fmt.Fprintln(os.Stdout, "ledger audit: clean")
	return true, nil
}

// cmdHealth is the container healthcheck: distroless images have no curl.
func cmdHealth(ctx context.Context, args []string) error {
	url := "http://localhost:8080/readyz"
	if len(args) > 0 {
		url = args[0]
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", url, res.StatusCode)
	}
	return nil
}
