package domain

import (
	"context"
	"fmt"
	"time"
)

// settlementWindowEnd is the end of the settlement window containing t.
func (s *Service) settlementWindowEnd(t time.Time) time.Time {
	return t.Truncate(s.cfg.SettlementInterval).Add(s.cfg.SettlementInterval)
}

// SettleResult counts what one settlement run did.
type SettleResult struct {
	Settlements int
	Conversions int
}

// SettleFX nets every BOOKED conversion up to windowEnd per currency pair and trades each net
// with the provider. Crash-safe: the batch is fixed in a first transaction; the provider is
// idempotent on the settlement id; the ledger and the SETTLED marks are written in one last
// transaction that skips a settlement already settled. A re-run never settles twice.
func (s *Service) SettleFX(ctx context.Context, windowEnd time.Time, provider LiquidityProvider) (SettleResult, error) {
	var pending []Settlement
	err := s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
		flows, err := tx.LockBookedConversions(ctx, windowEnd)
		if err != nil {
			return err
		}
		if err := tx.InsertSettlements(ctx, NetConversions(flows, windowEnd, s.clock.Now())); err != nil {
			return err
		}
		pending, err = tx.PendingSettlements(ctx)
		return err
	})
	if err != nil {
		return SettleResult{}, err
	}
	book, err := s.rateBook(ctx)
	if err != nil {
		return SettleResult{}, err
	}
	var res SettleResult
	for _, st := range pending {
		mid, err := book.Mid(st.Base, st.Quote)
		if err != nil {
			return res, fmt.Errorf("settlement %s: %w", st.ID, err)
		}
		fill := LiquidityFill{Mid: mid}
		if !st.BaseNet.IsZero() {
			fill, err = provider.Trade(ctx, LiquidityTrade{SettlementID: st.ID, Base: Money{Amount: st.BaseNet, Currency: st.Base}, Quote: st.Quote, Mid: mid})
			if err != nil {
				return res, fmt.Errorf("settlement %s: liquidity provider: %w", st.ID, err)
			}
		}
		err = s.store.InTx(ctx, func(ctx context.Context, tx Tx) error {
			cur, err := tx.LockSettlement(ctx, st.ID)
			if err != nil || cur.Status == SettlementSettled {
				return err
			}
			now := s.clock.Now()
			cur.Mid, cur.QuoteAmount, cur.ProviderRef, cur.SettledAt = fill.Mid, fill.QuoteAmount, fill.Reference, &now
			l, ok, err := SettlementLedger(cur, now)
			if err != nil {
				return err
			}
			if ok {
				if err := tx.PostLedger(ctx, l); err != nil {
					return err
				}
			}
			settled, err := tx.CompleteSettlement(ctx, cur)
			if err != nil {
				return err
			}
			return s.emit(ctx, tx, accountEvents(EventConversionSettled, "Conversion", settled,
				func(c Conversion) (string, string) { return c.ID, c.AccountID })...)
		})
		if err != nil {
			return res, err
		}
		res.Settlements++
		res.Conversions += st.Conversions
	}
	return res, nil
}
