package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph"
	"github.com/kjb/kjb/sandboxlink"
)

func cmdDev(ctx context.Context) error {
	p, err := connect(ctx, true, true, "kjb-dev")
	if err != nil {
		return err
	}
	defer p.close()
	if err := migrate(ctx, p); err != nil {
		return err
	}
	if since, used, err := db.ProductionSince(ctx, p.pool); err != nil {
		return err
	} else if used {
		return fmt.Errorf("this database has been used outside sandbox mode since %s: kjb dev will not seed demo data and keys into it",
			since.UTC().Format(time.RFC3339))
	}
	demo, pay, err := seedDemo(ctx, p.svc, sandboxlink.Sender{Pool: p.pool})
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	if err := p.river.Start(ctx); err != nil {
		return err
	}
	err = serveHTTP(ctx, p, func(addr string) {
		host := addr
		if strings.HasPrefix(host, "[::]") || strings.HasPrefix(host, "0.0.0.0") {
			host = "localhost" + host[strings.LastIndex(host, ":"):]
		}
		fmt.Fprintf(os.Stdout, "\nKJB is running (sandbox=%v)\n  playground  http://%s/\n  endpoint    http://%s/query\n\n%s\n%s\n", p.cfg.Sandbox, host, host, demo, pay.curl(host))
	})
	if werr := stopWorkers(p); err == nil {
		err = werr
	}
	return err
}

// seedDemo creates (once) the 1688 partner, two verified, funded accounts and the partner's
// members, suppliers and orders (seedMarketplace), then issues a fresh set of demo keys
// (secrets are stored hashed, so old ones cannot be shown again) and returns them with the
// order the first payment pays.
func seedDemo(ctx context.Context, svc *domain.Service, codes demoLinkCodes) (string, demoPayment, error) {
	partner, err := svc.PartnerByCode(ctx, system, "1688")
	if domain.CodeOf(err) == domain.CodeNotFound {
		partner, err = svc.CreatePartner(ctx, system, "1688", "1688.com")
	}
	if err != nil {
		return "", demoPayment{}, err
	}
	existing, err := svc.Accounts(ctx, system, domain.Page{First: domain.MaxPageSize})
	if err != nil {
		return "", demoPayment{}, err
	}
	var b strings.Builder
	b.WriteString("Demo API keys (send as Authorization: Bearer <key>):\n")
	var secret string
	key := func(label string, in domain.CreateAPIKeyInput) (err error) {
		in.Label = "demo " + label
		_, secret, err = svc.CreateAPIKey(ctx, system, in)
		fmt.Fprintf(&b, "  %-34s %s\n", label, secret)
		return err
	}
	accounts := map[string]domain.Account{}
	pay := demoPayment{account: "Acme Trading Ltd"}
	if err := key("operator", domain.CreateAPIKeyInput{Role: domain.RoleOperator}); err != nil {
		return "", demoPayment{}, err
	}
	if err := key("partner 1688", domain.CreateAPIKeyInput{Role: domain.RolePartner, PartnerID: partner.ID}); err != nil {
		return "", demoPayment{}, err
	}
	for _, spec := range []domain.CreateAccountInput{
		{Name: "Acme Trading Ltd", Type: domain.AccountCorporate, Country: "GB"},
		{Name: "Nordlys Import AS", Type: domain.AccountCorporate, Country: "NO"},
	} {
		var acct domain.Account
		for _, a := range existing.Items {
			if a.Name == spec.Name {
				acct = a
			}
		}
		if acct.ID == "" {
			if acct, err = svc.CreateAccount(ctx, system, spec); err != nil {
				return "", demoPayment{}, err
			}
		}
		if _, err := svc.ReviewKyc(ctx, system, domain.ReviewKycInput{AccountID: acct.ID, Decision: domain.KycApprove, Note: "demo"}); err != nil {
			return "", demoPayment{}, err
		}
		for _, m := range []struct{ amount, currency string }{{"50000.00", "CNH"}, {"10000.00", "USD"}} {
			if _, _, err := svc.TopUp(ctx, system, domain.TopUpInput{AccountID: acct.ID, Amount: m.amount,
				Currency: m.currency, Reference: "demo-opening-" + m.currency}); err != nil {
				return "", demoPayment{}, err
			}
		}
		label := fmt.Sprintf("account %s (%s)", spec.Name, graph.AccountGlobalID(acct.ID))
		if err := key(label, domain.CreateAPIKeyInput{Role: domain.RoleAccount, AccountID: acct.ID}); err != nil {
			return "", demoPayment{}, err
		}
		accounts[spec.Name] = acct
		if spec.Name == pay.account {
			pay.key = secret
		}
	}
	pay.order, err = seedMarketplace(ctx, svc, codes, partner, accounts, pay.account)
	return b.String(), pay, err
}
