package domain

import (
	"fmt"
	"regexp"
	"time"
)

// Shanghai is the zone fee months run in (China observes no daylight saving: UTC+8).
var Shanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

// Month is a calendar month in Asia/Shanghai, written "2026-10".
type Month struct {
	Year  int
	Month time.Month
}

var monthSyntax = regexp.MustCompile(`^(\d{4})-(0[1-9]|1[0-2])$`)

// ParseMonth parses "YYYY-MM". INVALID_INPUT naming field otherwise.
func ParseMonth(s string, field []string) (Month, error) {
	if !monthSyntax.MatchString(s) {
		return Month{}, Errorf(CodeInvalidInput, field, "must be a month written YYYY-MM, such as 2026-10")
	}
	var y, m int
	fmt.Sscanf(s, "%d-%d", &y, &m)
	return Month{Year: y, Month: time.Month(m)}, nil
}

// MonthOf is the Shanghai month containing t.
func MonthOf(t time.Time) Month {
	s := t.In(Shanghai)
	return Month{Year: s.Year(), Month: s.Month()}
}

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Start is the month's first instant.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, Shanghai) }

// End is the first instant of the next month.
func (m Month) End() time.Time { return m.Start().AddDate(0, 1, 0) }

// Add moves n months.
func (m Month) Add(n int) Month { return MonthOf(m.Start().AddDate(0, n, 0)) }
