package domain

import "context"

// comparison prices options in cur or, without one, in the account's auto-convert currency,
// else CNH, at current mid rates (a currency without a current rate prices nothing).
func (s *Service) comparison(ctx context.Context, sit PaymentSituation, cur Currency) (Comparison, error) {
	if cur == "" {
		cur = CNH
		if sit.Funding.Setting != nil {
			cur = sit.Funding.Setting.Currency
		}
	}
	c := Comparison{Currency: cur, CrossBorderSpread: s.cfg.CrossBorderPaySpreadBps, StandardSpread: s.cfg.SpreadBps}
	if cur == CNH {
		return c, nil
	}
	book, err := s.rateBook(ctx)
	if err != nil {
		return c, err
	}
	if mid, err := book.Mid(cur, CNH); err == nil {
		c.Mid = mid
	}
	return c, nil
}
