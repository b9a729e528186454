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

// limit is the LIMIT clause of a page of n rows, n written into the statement. A placeholder
// would make every run of the statement plan again: PostgreSQL estimates a generic plan's
// LIMIT $n as a tenth of the rows, which never beats the custom plans, so it never settles on
// the generic plan. On a table partitioned by month or week, planning over every partition
// costs more than running the page (a year of ledger months: about 2.5 ms planning, 0.7 ms
// running). With the number written in, the generic plan costs what the custom plans do and
// is kept after PostgreSQL's first five runs. Page sizes are few, so the statements are few.
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
	return selectFrom + ` WHERE ` + id + ` IN (SELECT ` + id + ` FROM ` + from + l.clause() + ` ORDER BY ` + id + ` DESC` +
		l.limit(first) + `) ORDER BY ` + id + ` DESC`
}
