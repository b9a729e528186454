package domain

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestCompareFindsEachKindOfBreak(t *testing.T) {
	t.Parallel()
	cny := func(s string) Money { return Money{Amount: decimal.RequireFromString(s), Currency: CNY} }
	paid := func(id, amt string) Record {
		return Record{ID: id, Amount: cny(amt), Status: RecordPaid, Reference: "RAIL-" + id}
	}
	ours := []Record{paid("a", "10.00"), paid("b", "20.00"), paid("c", "30.00"), paid("d", "40.00"), paid("e", "50.00")}
	theirs := []Record{paid("a", "10.0"), paid("b", "20.01"), {ID: "c", Amount: cny("30.00"), Status: RecordFailed},
		{ID: "d", Amount: Money{Amount: decimal.RequireFromString("40.00"), Currency: CNH}, Status: RecordPaid}, paid("f", "60.00")}
	got := Compare(CounterpartyPayoutRail, "2026-10-05", ours, theirs)
	want := []struct {
		id string
		p  BreakProblem
	}{{"b", BreakAmountDiffers}, {"c", BreakStatusDiffers}, {"d", BreakCurrencyDiffers}, {"e", BreakMissingAtCounterparty}, {"f", BreakMissingAtKJB}}
	if len(got) != len(want) {
		t.Fatalf("got %d breaks: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].ObjectID != w.id || got[i].Problem != w.p || got[i].Status != BreakOpen || got[i].Day != "2026-10-05" {
			t.Errorf("break %d: %+v, want %s %s", i, got[i], w.id, w.p)
		}
	}
	if got[3].Theirs != nil || got[4].Ours != nil || got[0].Ours.Amount.Amount.String() != "20" || got[0].Theirs.Amount.Amount.String() != "20.01" {
		t.Errorf("sides: %+v %+v %+v", got[3], got[4], got[0])
	}
}

func TestCheckSealNamesWhatChanged(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	entry := func(id int64, tx, amount string) SealEntry {
		return SealEntry{EntryID: id, TransactionID: tx, Kind: "PAYMENT", Reference: "r-" + tx, TxCreatedAt: at, Book: "ESCROW",
			Currency: "CNH", Amount: amount, CreatedAt: at}
	}
	build := func(prev *Seal, es ...SealEntry) Seal {
		b := NewSealBuilder(prev, es[len(es)-1].EntryID)
		for _, e := range es {
			_ = b.Add(e)
		}
		return b.Seal(at)
	}
	first := build(nil, entry(1, "t1", "5"), entry(2, "t1", "-5"))
	second := build(&first, entry(3, "t2", "7"), entry(4, "t2", "-7"), entry(5, "t3", "1"), entry(6, "t3", "-1"))
	if second.PrevHash != first.Hash || second.After != 2 || second.Seq != 2 || CheckSeal(second, second, &first) != nil {
		t.Fatalf("chain: %+v", second)
	}
	altered := build(&first, entry(3, "t2", "7"), entry(4, "t2", "-7"), entry(5, "t3", "2"), entry(6, "t3", "-1"))
	if f := CheckSeal(second, altered, &first); f == nil || f.Seq != 2 || f.TransactionID != "t3" {
		t.Fatalf("an altered amount: %+v", f)
	}
	dropped := build(&first, entry(3, "t2", "7"), entry(4, "t2", "-7"))
	if f := CheckSeal(second, dropped, &first); f == nil || f.TransactionID != "t3" {
		t.Fatalf("a deleted transaction: %+v", f)
	}
	forged := second
	forged.Digests = append([][32]byte(nil), second.Digests...)
	forged.Digests[1] = altered.Digests[1]
	if f := CheckSeal(forged, altered, &first); f == nil || f.TransactionID != "" {
		t.Fatalf("a seal rewritten to match: %+v", f)
	}
	if f := CheckSeal(second, second, nil); f == nil {
		t.Fatal("a seal out of its chain passed")
	}
}
