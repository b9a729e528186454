package worker

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/domain"
)

// JobCounter counts River's jobs by kind and state, reading River's own table (River's client
// lists jobs but does not count them).
type JobCounter struct{ Pool *pgxpool.Pool }

// WatchedJobStates are the River job states CountJobs reports.
var WatchedJobStates = []string{"available", "running", "retryable", "discarded", "scheduled"}

// watchedStates is WatchedJobStates as a constant of River's enum in the SQL text. A text array
// cast to the enum is not folded at planning, so the planner guessed a third of the table and
// scanned all of it (800 ms with a week of finished jobs, a million rows); with the constant it
// reads the few open and discarded jobs on River's (state, …) index.
var watchedStates = "'{" + strings.Join(WatchedJobStates, ",") + "}'::river_job_state[]"

// CountJobs calls each with the number of jobs of every kind in WatchedJobStates: every kind in
// domain.JobKinds in every such state, 0 when there is none, so a series never disappears; a
// kind found in the table but no longer known is reported as it is.
func (c JobCounter) CountJobs(ctx context.Context, each func(kind, state string, n int)) error {
	rows, err := c.Pool.Query(ctx, `SELECT kind, state::text, count(*) FROM river_job
		WHERE state = ANY(`+watchedStates+`) GROUP BY kind, state`)
	if err != nil {
		return err
	}
	defer rows.Close()
	type key struct{ kind, state string }
	counts := map[key]int{}
	for rows.Next() {
		var k key
		var n int
		if err := rows.Scan(&k.kind, &k.state, &n); err != nil {
			return err
		}
		counts[k] = n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, kind := range domain.JobKinds {
		for _, state := range WatchedJobStates {
			k := key{kind, state}
			each(kind, state, counts[k])
			delete(counts, k)
		}
	}
	for k, n := range counts {
		each(k.kind, k.state, n)
	}
	return nil
}

// MakeReleasesDue ends the hold of n scheduled escrow releases now (for `kjb bench`'s payout
// drain): the jobs' own time (the job checks it) and River's schedule, with the jobs available
// as a due backlog is (River's leader would otherwise move them from scheduled in periodic
// batches, which measures its scheduler, not the drain).
func MakeReleasesDue(ctx context.Context, pool *pgxpool.Pool, n int) error {
	_, err := pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now(), args = jsonb_set(args, '{at}', to_jsonb(now()))
		WHERE id IN (SELECT id FROM river_job WHERE kind = $2 AND state = 'scheduled' ORDER BY id LIMIT $1)`,
		n, domain.ReleaseEscrowJob{}.Kind())
	return err
}
