// Package worker is the River adapter: job workers, periodic schedules, River's migrations,
// and the client both processes use (the API process only inserts jobs, inside the
// transactions that need them; the worker process also works them). It alone reads River's
// tables (job counts for metrics, kjb bench's release backlog).
package worker
