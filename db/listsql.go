package db

import (
	"strconv"
	"strings"

	"github.com/kjb/kjb/domain"
)

// listSQL builds a list query's WHERE clause from only the conditions that apply, so each
// shape of call has its own statement and plan: a condition such as `($1 IS NULL OR id < $1)`
// or `($2 OR partner_id = $3)` cannot use an index under a generic plan, which PostgreSQL
// takes after a statement's first few runs.
type listSQL struct {
	where []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (l *listSQL) arg(v any) string {
	l.args = append(l.args, v)
	return "$" + strconv.Itoa(len(l.args))
}

// and adds a condition; format's %s are replaced by placeholders for args, in order.
func (l *listSQL) and(cond string, args ...any) {
	for _, a := range args {
		cond = strings.Replace(cond, "%s", l.arg(a), 1)
	}
	l.where = append(l.where, cond)
}

// scope adds the actor's visibility on the owning columns (accountCond, when set, is the
// condition for an account's scope, with %s for the account id; else accountCol = it).
func (l *listSQL) scope(s domain.Scope, partnerCol, accountCol, accountCond string) {
	switch {
	case s.All:
	case s.PartnerID != "":
		l.and(partnerCol+" = %s", s.PartnerID)
	case s.AccountID != "" && accountCond != "":
		l.and(accountCond, s.AccountID)
	case s.AccountID != "":
		l.and(accountCol+" = %s", s.AccountID)
	default:
		l.and("false")
	}
}

// limit is the LIMIT clause of a page of n rows, n written into the statement, for a list
// that reads every partition of a table partitioned by month (ledgerEntries: no condition on
// the partition key). A placeholder would make every run of the statement plan again:
// PostgreSQL estimates a generic plan's LIMIT $n as a tenth of the rows, which never beats the
// custom plans, and planning over a year of months costs more than running the page (on 10M
// payments, with pgbench -M prepared: 2.9–3.8 ms a page planned each time, 0.7–0.9 ms on the
// generic plan), more with every month kept. With the number written in, the generic plan is
// kept after PostgreSQL's first five runs. Page sizes are few, so the statements are few. The
// generic plan opens every month's partitions on each run, which planning does too: on a
// database of 1,000 payments a page takes 0.5–0.66 ms instead of 0.25–0.31 ms planned each
// time, the price of a cost that stays flat as months are added. A partner's or an account's
// events use it too, with conditions written for it (Events). Other lists keep the
// placeholder: their tables are unpartitioned and plan in a fraction of that, and a generic
// plan can be worse than a custom one on small tables (events with a closed range on the
// owner, on a database of 1,000 payments: 0.2 ms custom, 1.4–1.8 ms generic, which scans
// every partition and sorts).
func (l *listSQL) limit(n int) string {
	return " LIMIT " + strconv.Itoa(n)
}

// clause is the WHERE clause (empty when nothing filters).
func (l *listSQL) clause() string {
	if len(l.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(l.where, " AND ")
}

// newestFirst is the query of a page of at most first rows, newest id first: selectFrom (a
// SELECT with its FROM) of the ids the conditions pick from from (the same table, under the
// alias the conditions use; id is its id column). The ids are read first, from an index alone
// where one serves the conditions (the owner's (partner_id, id) or (account_id, id)), then
// their rows by key. Ordered by id with the owner as a filter, the planner may instead walk
// the primary key and skip every newer row of the other owners.
func (l *listSQL) newestFirst(selectFrom, id, from string, first int) string {
	return selectFrom + ` WHERE ` + id + ` IN (SELECT ` + id + ` FROM ` + from + l.clause() + ` ORDER BY ` + id + ` DESC LIMIT ` +
		l.arg(first) + `) ORDER BY ` + id + ` DESC`
}
