package domain

import (
	"slices"
	"testing"
	"time"
)

func TestNetConversions(t *testing.T) {
	t.Parallel()
	end := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	now := end.Add(time.Second)
	tests := []struct {
		name  string
		flows []ConversionFlow
		want  []SettlementBatch
	}{
		{"nothing booked", nil, nil},
		{"customers sell the lower code: the house took base in", []ConversionFlow{
			{Sold: CNH, Bought: USD, SoldAmount: d("7100.00"), BoughtAmount: d("1000.00"), ConversionIDs: []string{"c1", "c2"}}},
			[]SettlementBatch{{Settlement{Base: CNH, Quote: USD, BaseNet: d("7100.00"), Conversions: 2}, []string{"c1", "c2"}}}},
		{"customers buy the lower code: the house paid base out", []ConversionFlow{
			{Sold: USD, Bought: CNH, SoldAmount: d("1000.00"), BoughtAmount: d("7050.00"), ConversionIDs: []string{"c1"}}},
			[]SettlementBatch{{Settlement{Base: CNH, Quote: USD, BaseNet: d("-7050.00"), Conversions: 1}, []string{"c1"}}}},
		{"both directions net within the pair", []ConversionFlow{
			{Sold: USD, Bought: CNH, SoldAmount: d("1000.00"), BoughtAmount: d("7050.00"), ConversionIDs: []string{"c1"}},
			{Sold: CNH, Bought: USD, SoldAmount: d("7100.00"), BoughtAmount: d("999.00"), ConversionIDs: []string{"c2", "c3"}}},
			[]SettlementBatch{{Settlement{Base: CNH, Quote: USD, BaseNet: d("50.00"), Conversions: 3}, []string{"c1", "c2", "c3"}}}},
		{"a pair netting to zero still settles its conversions", []ConversionFlow{
			{Sold: EUR, Bought: CNH, SoldAmount: d("100.00"), BoughtAmount: d("770.00"), ConversionIDs: []string{"c1"}},
			{Sold: CNH, Bought: EUR, SoldAmount: d("770.00"), BoughtAmount: d("99.00"), ConversionIDs: []string{"c2"}}},
			[]SettlementBatch{{Settlement{Base: CNH, Quote: EUR, BaseNet: d("0.00"), Conversions: 2}, []string{"c1", "c2"}}}},
		{"pairs are kept apart and ordered by base, then quote", []ConversionFlow{
			{Sold: USD, Bought: JPY, SoldAmount: d("10.00"), BoughtAmount: d("1500"), ConversionIDs: []string{"c1"}},
			{Sold: GBP, Bought: CNH, SoldAmount: d("10.00"), BoughtAmount: d("90.00"), ConversionIDs: []string{"c2"}},
			{Sold: CNH, Bought: EUR, SoldAmount: d("80.00"), BoughtAmount: d("10.00"), ConversionIDs: []string{"c3"}}},
			[]SettlementBatch{
				{Settlement{Base: CNH, Quote: EUR, BaseNet: d("80.00"), Conversions: 1}, []string{"c3"}},
				{Settlement{Base: CNH, Quote: GBP, BaseNet: d("-90.00"), Conversions: 1}, []string{"c2"}},
				{Settlement{Base: JPY, Quote: USD, BaseNet: d("-1500"), Conversions: 1}, []string{"c1"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NetConversions(tc.flows, end, now)
			if len(got) != len(tc.want) {
				t.Fatalf("%d settlements, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Base != w.Base || g.Quote != w.Quote || !g.BaseNet.Equal(w.BaseNet) || g.Conversions != w.Conversions ||
					!slices.Equal(g.ConversionIDs, w.ConversionIDs) {
					t.Errorf("settlement %d: %s/%s net %s of %d %v, want %s/%s net %s of %d %v", i, g.Base, g.Quote, g.BaseNet,
						g.Conversions, g.ConversionIDs, w.Base, w.Quote, w.BaseNet, w.Conversions, w.ConversionIDs)
				}
				if g.Status != SettlementPending || !g.WindowEnd.Equal(end) || !g.CreatedAt.Equal(now) || g.ID != "" {
					t.Errorf("settlement %d: %+v", i, g.Settlement)
				}
			}
		})
	}
}
