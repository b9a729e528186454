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
	// filtered: a condition picks rows by a value other than their owner or cursor (filter).
	filtered bool
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

// filter adds a condition on a value other than the rows' owner or cursor (and's format). A
// page so filtered is planned for its values on every run (newestFirst): which index serves it
// depends on them (a partial index of open payouts, where a time range falls), and a generic
// plan cannot see them.
func (l *listSQL) filter(cond string, args ...any) {
	l.and(cond, args...)
	l.filtered = true
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

// writtenLimit is the LIMIT clause of a page of n rows, n written into the statement. With a
// placeholder, PostgreSQL estimates a generic plan's LIMIT $n as a tenth of the rows; on a
// large table that never beats the custom plans, so every run of the statement is planned
// again, and planning grows with the table: its indexes, and for ledgerEntries every month's
// partition (it has no condition on the partition key). On 10M payments, with pgbench -M
// prepared: ledgerEntries 2.9–3.8 ms a page planned each time, 0.7–0.9 ms on the generic plan;
// a partner's orders, whose page joins members and suppliers, 0.36–0.49 ms against 0.18–0.24
// ms. With the number written in, the generic plan is kept after PostgreSQL's first five runs.
// Each page size is a statement of its own: clients use a few (the API allows 1 to 100), and
// pgx keeps 512 statements a connection, the least recently used evicted first. Where the
// conditions' best plan depends on their values (filter), the placeholder stays (newestFirst).
// On a partitioned table a generic plan opens every partition on each run: ledgerEntries on a
// database of 1,000 payments takes 0.5–0.66 ms a page instead of 0.25–0.31 ms planned each
// time, the price of a cost that stays flat as months are added, and a partner's or an
// account's events use conditions written for it (Events): with a closed range on the owner,
// the generic plan scanned every partition and sorted (on 1,000 payments 1.4–1.8 ms against
// 0.2 ms custom).
func writtenLimit(n int) string {
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
// the primary key and skip every newer row of the other owners. The ids are an array, not a
// semi-join: on a large table, planning the join cost more than running the page (an
// account's payments on 10M payments, with pgbench -M prepared: 0.32–0.39 ms a page as a
// semi-join, 0.16–0.20 ms as an array; in EXPLAIN, planned in 0.19–0.22 ms against 0.10–0.15
// ms and run in 0.21–0.25 ms against 0.12 ms). The limit is written in (writtenLimit) unless a
// condition filters (filter).
func (l *listSQL) newestFirst(selectFrom, id, from string, first int) string {
	limit := writtenLimit(first)
	if l.filtered {
		limit = ` LIMIT ` + l.arg(first)
	}
	return selectFrom + ` WHERE ` + id + ` = ANY(ARRAY(SELECT ` + id + ` FROM ` + from + l.clause() + ` ORDER BY ` + id + ` DESC` +
		limit + `)) ORDER BY ` + id + ` DESC`
}
