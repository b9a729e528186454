package main

import (
	"context"
	"fmt"
	"io"

	"github.com/kjb/kjb/domain"
)

// cmdVerifyLedger recomputes every ledger seal and reports the first that does not match.
func cmdVerifyLedger(ctx context.Context, out io.Writer) (bool, error) {
	p, err := connect(ctx, false, false, "kjb-verify-ledger")
	if err != nil {
		return false, err
	}
	defer p.close()
	v, err := p.svc.VerifyLedger(ctx)
	if err != nil {
		return false, err
	}
	return reportVerification(out, v), nil
}

// reportVerification prints a verification's outcome and returns whether every seal matched.
func reportVerification(out io.Writer, v domain.LedgerVerification) bool {
	if f := v.Failure; f != nil {
		fmt.Fprintf(out, "BROKEN seal #%d (entries %d–%d): %s\n", f.Seq, f.After+1, f.Last, f.Reason)
		if f.TransactionID != "" {
			fmt.Fprintf(out, "  first altered transaction: %s\n", f.TransactionID)
		}
		fmt.Fprintf(out, "verify-ledger: %d seal(s) before it matched (%d entries)\n", v.Seals, v.Entries)
		return false
	}
	if v.Head == nil {
		fmt.Fprintf(out, "verify-ledger: no seal yet; %d entries unsealed\n", v.Unsealed)
		return true
	}
	fmt.Fprintf(out, "verify-ledger: ok, %d seal(s) over %d entries match; head #%d %s (entry %d); %d entries not sealed yet\n",
		v.Seals, v.Entries, v.Head.Seq, v.Head.HashHex(), v.Head.Last, v.Unsealed)
	return true
}
