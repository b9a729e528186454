package db

import (
	"strings"
	"testing"

	"github.com/kjb/kjb/domain"
)

// TestNewestFirstPlansByShape: a page picked by its owner and cursor alone has its limit
// written in (one generic plan serves every owner), a filtered page keeps it a parameter
// (planned for its values).
func TestNewestFirstPlansByShape(t *testing.T) {
	t.Parallel()
	const p, a = "00000000-0000-7000-8000-0000000000a1", "00000000-0000-7000-8000-0000000000b1"
	for _, c := range []struct {
		name      string
		build     func(l *listSQL)
		inner     string
		limitArgs bool
	}{
		{"partner", func(l *listSQL) { l.scope(domain.Scope{PartnerID: p}, "partner_id", "account_id", "") },
			"WHERE partner_id = $1 ORDER BY id DESC LIMIT 21)", false},
		{"partner, deep", func(l *listSQL) {
			l.scope(domain.Scope{PartnerID: p}, "partner_id", "account_id", "")
			l.and("id < %s", a)
		}, "WHERE partner_id = $1 AND id < $2 ORDER BY id DESC LIMIT 21)", false},
		{"account", func(l *listSQL) { l.scope(domain.Scope{AccountID: a}, "partner_id", "account_id", "") },
			"WHERE account_id = $1 ORDER BY id DESC LIMIT 21)", false},
		{"partner, an account's", func(l *listSQL) {
			l.scope(domain.Scope{PartnerID: p}, "partner_id", "account_id", "")
			l.and("account_id = %s", a)
		}, "WHERE partner_id = $1 AND account_id = $2 ORDER BY id DESC LIMIT 21)", false},
		{"partner, filtered", func(l *listSQL) {
			l.scope(domain.Scope{PartnerID: p}, "partner_id", "account_id", "")
			l.filter("status = %s", "REFUNDED")
		}, "WHERE partner_id = $1 AND status = $2 ORDER BY id DESC LIMIT $3)", true},
		{"everyone's", func(l *listSQL) { l.scope(domain.Scope{All: true}, "partner_id", "account_id", "") },
			"FROM t ORDER BY id DESC LIMIT 21)", false},
	} {
		var l listSQL
		c.build(&l)
		before := len(l.args)
		sql := l.newestFirst("SELECT * FROM t", "id", "t", 21)
		if !strings.Contains(sql, "WHERE id = ANY(ARRAY(SELECT id FROM t "+strings.TrimPrefix(c.inner, "FROM t ")) ||
			!strings.HasSuffix(sql, ") ORDER BY id DESC") {
			t.Errorf("%s: %s, want its ids %s", c.name, sql, c.inner)
		}
		if added := len(l.args) - before; (added == 1) != c.limitArgs || added > 1 {
			t.Errorf("%s: the page size added %d arguments (%v), want a parameter: %v", c.name, added, l.args, c.limitArgs)
		}
	}
}
