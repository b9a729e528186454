package worker

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/domain"
)

// JobCounter counts River's jobs by kind and state, reading River's own table (River's client
// lists jobs but does not count them).
type JobCounter struct{ Pool *pgxpool.Pool }

// CountJobs calls each with the number of jobs of every kind in the states operators watch:
// available, running, retryable, discarded and scheduled.
func (c JobCounter) CountJobs(ctx context.Context, each func(kind, state string, n int)) error {
	rows, err := c.Pool.Query(ctx, `SELECT kind, state::text, count(*) FROM river_job
		WHERE state IN ('available', 'running', 'retryable', 'discarded', 'scheduled') GROUP BY kind, state`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, state string
		var n int
		if err := rows.Scan(&kind, &state, &n); err != nil {
			return err
		}
		each(kind, state, n)
	}
	return rows.Err()
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
