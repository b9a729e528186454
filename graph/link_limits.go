package graph

import (
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph/model"
	"github.com/shopspring/decimal"
)

// toLinkSpending maps a link's limits and spending (CNY).
func toLinkSpending(l domain.LinkLimits, s domain.LinkSpent) *model.LinkSpending {
	cny := func(d *decimal.Decimal) *model.Money {
		if d == nil {
			return nil
		}
		return toMoney(domain.Money{Amount: *d, Currency: domain.CNY})
	}
	return &model.LinkSpending{DailyLimit: cny(l.Daily), MonthlyLimit: cny(l.Monthly), SpentToday: cny(&s.Day), SpentThisMonth: cny(&s.Month)}
}
