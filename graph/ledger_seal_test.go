package graph_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/kjb/kjb/internal/apitest"
)

const verifyQuery = `{ ledgerVerification { ok sealsChecked entriesChecked unsealedEntries head { seq hash lastEntryId }
	failure { seq afterEntryId lastEntryId transactionId reason } } }`

// TestLedgerSealsCatchATamperedEntry seals while top-ups commit concurrently, sees every entry
// sealed exactly once and the chain verify, shows the seal on a statement, then alters one
// entry behind the append-only trigger's back and sees verification name its seal and its
// transaction.
func TestLedgerSealsCatchATamperedEntry(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	s := e.NewShop("62220000001")
	e.Fund(s.AccountID, "10000.00", "CNH")
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00"), "p1")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	sealErr := make(chan error, 1)
	go func() {
		defer close(sealErr)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := e.Svc.SealLedger(ctx, 7, time.Minute); err != nil {
				sealErr <- err
				return
			}
		}
	}()
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				e.MustSucceed(e.Operator, "topUp", TopUp, map[string]any{"accountId": s.AccountID, "amount": Money("1.00", "USD"), "reference": fmt.Sprintf("w%d-%d", w, i)})
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-sealErr; err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.SealLedger(ctx, 7, time.Minute); err != nil {
		t.Fatal(err)
	}
	total := e.Count(`SELECT count(*) FROM ledger_entries`)
	v := Get(e.MustData(e.Operator, verifyQuery, nil), "ledgerVerification")
	if Get(v, "ok") != true || Get(v, "entriesChecked") != float64(total) || Get(v, "unsealedEntries") != float64(0) ||
		e.Count(`SELECT coalesce(sum(entries), 0)::int FROM ledger_seals`) != total || Get(v, "sealsChecked").(float64) < 2 {
		t.Fatalf("verification %v over %d entries", v, total)
	}
	st := e.MustData(s.AccountKey, `query($id: ID!, $from: DateTime!, $to: DateTime!) { account(id: $id) { statement(currency: CNH, from: $from, to: $to) {
		movements(first: 100) { edges { node { id } } } seal { seq hash lastEntryId afterEntryId } } } }`, map[string]any{"id": s.AccountID,
		"from": time.Now().Add(-time.Hour).Format(time.RFC3339), "to": time.Now().Add(time.Hour).Format(time.RFC3339)})
	seal := Get(st, "account", "statement", "seal")
	edges := Get(st, "account", "statement", "movements", "edges").([]any)
	lastID := strings.TrimPrefix(decodeGID(t, Str(edges[len(edges)-1], "node", "id")), "LedgerEntry:")
	var covered bool
	if err := e.Pool.QueryRow(ctx, `SELECT $1::bigint > $2::bigint AND $1::bigint <= $3::bigint`, lastID, Str(seal, "afterEntryId"), Str(seal, "lastEntryId")).Scan(&covered); err != nil || !covered || len(Str(seal, "hash")) != 64 {
		t.Fatalf("statement seal %v does not cover its last movement %s", seal, lastID)
	}
	// Alter the payment's customer entry as a superuser would, bypassing the trigger.
	var entryID, txID string
	var sealSeq int
	if err := e.Pool.QueryRow(ctx, `SELECT e.id::text, e.transaction_id::text, s.seq FROM ledger_entries e
		JOIN ledger_transactions t ON t.id = e.transaction_id JOIN ledger_seals s ON e.id > s.after_entry_id AND e.id <= s.last_entry_id
		WHERE t.kind = 'PAYMENT' AND e.book = 'CUSTOMER'`).Scan(&entryID, &txID, &sealSeq); err != nil {
		t.Fatal(err)
	}
	tx, err := e.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE ledger_entries SET amount = amount + 100 WHERE id = $1::bigint`, entryID); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	v = Get(e.MustData(e.Operator, verifyQuery, nil), "ledgerVerification")
	if Get(v, "ok") != false || Get(v, "failure", "seq") != float64(sealSeq) || Str(v, "failure", "transactionId") != txID ||
		Get(v, "sealsChecked") != float64(sealSeq-1) {
		t.Fatalf("after altering entry %s of transaction %s in seal %d: %v", entryID, txID, sealSeq, v)
	}
	if r := e.Do(s.AccountKey, verifyQuery, nil); r.Code() != "FORBIDDEN" {
		t.Fatalf("an account verified the ledger: %s", r.Raw)
	}
}
