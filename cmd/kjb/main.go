// Command kjb runs KJB: the GraphQL API, the River workers, migrations and admin tools.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `kjb — cross-border payments for 1688 orders

usage:
  kjb migrate                 apply KJB's and River's migrations (safe to repeat)
  kjb api                     serve the GraphQL API on KJB_LISTEN (default :8080)
  kjb worker                  run the River workers and periodic jobs
  kjb dev                     migrate, seed demo data, and run api and worker in one process
  kjb apikey create --role OPERATOR|PARTNER|ACCOUNT [--account ID] [--partner CODE] [--label TEXT]
                              issue an API key and print its secret alone on stdout
  kjb apikey revoke ID        revoke an API key at once, in every api process
  kjb secrets rewrap          re-encrypt webhook secrets under the first key of KJB_SECRET_KEYS
  kjb audit [-incremental]    verify the ledger (all of it, or what changed since the last clean
                              audit); exits 1 on any violation
  kjb verify-ledger           recompute every ledger seal; exits 1 naming the first broken one
  kjb bench [-clients N] [-payments N] [-backlog N] [-grow N] [-grown NAME] [-checkout] [-keep]
                              measure payments (reference, API, 70% load) and the payout drain;
                              with -grow, every operation on a database grown to N payments
                              (-grown: on one an earlier -grow -keep kept);
                              with -checkout, payOrders of 10 against 10 payOrder calls
  kjb health [URL]            exit 0 when URL (default http://localhost:8080/readyz) answers 200

configuration: DATABASE_URL (required), KJB_LISTEN, KJB_SANDBOX, KJB_DB_MAX_CONNS,
KJB_RATE_LIMIT, KJB_MAX_WORKERS, KJB_AUDIT_INTERVAL, KJB_LOG_LEVEL (see README.md)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "migrate":
		err = cmdMigrate(ctx)
	case "api":
		err = cmdAPI(ctx)
	case "worker":
		err = cmdWorker(ctx)
	case "dev":
		err = cmdDev(ctx)
	case "secrets":
		err = cmdSecrets(ctx, args[1:])
	case "apikey":
		err = cmdAPIKey(ctx, args[1:])
	case "audit":
		var clean bool
		clean, err = cmdAudit(ctx, args[1:])
		if err == nil && !clean {
			return 1
		}
	case "verify-ledger":
		var ok bool
		ok, err = cmdVerifyLedger(ctx, os.Stdout)
		if err == nil && !ok {
			return 1
		}
	case "bench":
		err = cmdBench(ctx, args[1:])
	case "health":
		err = cmdHealth(ctx, args[1:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return 0
	default:
		fmt.Fprintf(os.Stderr, "kjb: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kjb %s: %v\n", args[0], err)
		return 1
	}
	return 0
}
