// Package telemetry exposes KJB's Prometheus metrics: GraphQL requests, payments, money volume,
// River jobs, payout age, FX positions and database pool stats. Labels are bounded: operation
// names are schema root fields, outcomes error codes, kinds job kinds, currencies ISO codes.
package telemetry

import (
	"context"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the registry and every collector.
type Metrics struct {
	Registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	requestDur *prometheus.HistogramVec
	payments   *prometheus.CounterVec
	volume     *prometheus.CounterVec
	jobs       *prometheus.CounterVec
	jobRun     *prometheus.HistogramVec
	jobWait    *prometheus.HistogramVec
	jobBatch   *prometheus.HistogramVec
}

// New registers the process, Go runtime and KJB collectors.
func New() *Metrics {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		Registry: r,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kjb_graphql_requests_total",
			Help: "GraphQL requests by root field (\"refused\" before GraphQL read them, \"invalid\" when unparsable) and outcome (ok, user_error, or an error code)."}, []string{"operation", "outcome"}),
		requestDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kjb_graphql_request_duration_seconds",
			Help: "GraphQL operation latency.", Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"operation"}),
		payments: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kjb_payments_total",
			Help: "payOrder attempts by method and outcome (succeeded or the reason/error code)."}, []string{"method", "outcome"}),
		volume: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kjb_payment_volume_total",
			Help: "Money debited by succeeded payments, in units of the currency."}, []string{"currency"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kjb_jobs_worked_total",
			Help: "River jobs worked, by kind and outcome (ok, error, snoozed)."}, []string{"kind", "outcome"}),
		jobRun: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kjb_job_run_seconds",
			Help: "Time a job took to work.", Buckets: prometheus.DefBuckets}, []string{"kind"}),
		jobWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kjb_job_wait_seconds",
			Help: "Time from a job's scheduled time to its start.", Buckets: prometheus.DefBuckets}, []string{"kind"}),
		jobBatch: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kjb_job_batch_size",
			Help: "Jobs worked together in one batch (escrow releases).", Buckets: []float64{1, 2, 4, 8, 16, 32, 64}}, []string{"kind"}),
	}
	r.MustRegister(m.requests, m.requestDur, m.payments, m.volume, m.jobs, m.jobRun, m.jobWait, m.jobBatch)
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// ObserveRequest records one GraphQL operation.
func (m *Metrics) ObserveRequest(operation, outcome string, d time.Duration) {
	m.requests.WithLabelValues(operation, outcome).Inc()
	m.requestDur.WithLabelValues(operation).Observe(d.Seconds())
}

// PaymentAttempt records one payOrder.
func (m *Metrics) PaymentAttempt(method domain.PaymentMethod, outcome string, debited domain.Money) {
	m.payments.WithLabelValues(string(method), outcome).Inc()
	if outcome == "succeeded" && debited.Currency != "" {
		v, _ := debited.Amount.Float64()
		m.volume.WithLabelValues(string(debited.Currency)).Add(v)
	}
}

// JobWorked records one worked job.
func (m *Metrics) JobWorked(kind, outcome string, wait, run time.Duration) {
	m.jobs.WithLabelValues(kind, outcome).Inc()
	m.jobRun.WithLabelValues(kind).Observe(run.Seconds())
	m.jobWait.WithLabelValues(kind).Observe(wait.Seconds())
}

// JobBatch records the size of one batch of jobs worked together.
func (m *Metrics) JobBatch(kind string, size int) {
	m.jobBatch.WithLabelValues(kind).Observe(float64(size))
}

// JobCounter counts queued jobs by kind and state (worker.JobCounter over River's table).
type JobCounter interface {
	CountJobs(ctx context.Context, each func(kind, state string, n int)) error
}

// WatchDatabase adds the pool's stats, the operations snapshot and the job counts, read at
// each scrape.
func (m *Metrics) WatchDatabase(pool *pgxpool.Pool, jobs JobCounter) {
	m.Registry.MustRegister(&dbCollector{pool: pool, jobs: jobs})
}

var (
	descJobs      = prometheus.NewDesc("kjb_jobs", "River jobs by kind and state (available, running, retryable, discarded, scheduled).", []string{"kind", "state"}, nil)
	descPayoutAge = prometheus.NewDesc("kjb_payout_oldest_open_seconds", "Age of the oldest payout not yet paid.", nil, nil)
	descPayouts   = prometheus.NewDesc("kjb_payouts_open", "Payouts pending, submitted or failed.", nil, nil)
	descFX        = prometheus.NewDesc("kjb_fx_position", "The house FX position per currency (units of the currency).", []string{"currency"}, nil)
	descConns     = prometheus.NewDesc("kjb_db_pool_connections", "Database pool connections by state.", []string{"state"}, nil)
	descAcquire   = prometheus.NewDesc("kjb_db_pool_acquire_wait_seconds_total", "Time spent waiting for a pool connection.", nil, nil)
	descScrapeErr = prometheus.NewDesc("kjb_ops_snapshot_up", "1 when the operations snapshot could be read.", nil, nil)
)

type dbCollector struct {
	pool *pgxpool.Pool
	jobs JobCounter
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descJobs, descPayoutAge, descPayouts, descFX, descConns, descAcquire, descScrapeErr} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(descConns, prometheus.GaugeValue, float64(st.AcquiredConns()), "acquired")
	ch <- prometheus.MustNewConstMetric(descConns, prometheus.GaugeValue, float64(st.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(descConns, prometheus.GaugeValue, float64(st.MaxConns()), "max")
	ch <- prometheus.MustNewConstMetric(descAcquire, prometheus.CounterValue, st.AcquireDuration().Seconds())
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	s, err := db.ReadOpsSnapshot(ctx, c.pool)
	var jobs []prometheus.Metric
	if err == nil {
		err = c.jobs.CountJobs(ctx, func(kind, state string, n int) {
			jobs = append(jobs, prometheus.MustNewConstMetric(descJobs, prometheus.GaugeValue, float64(n), kind, state))
		})
	}
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descScrapeErr, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descScrapeErr, prometheus.GaugeValue, 1)
	for _, j := range jobs {
		ch <- j
	}
	ch <- prometheus.MustNewConstMetric(descPayoutAge, prometheus.GaugeValue, s.OldestPayoutSecs)
	ch <- prometheus.MustNewConstMetric(descPayouts, prometheus.GaugeValue, float64(s.OpenPayouts))
	for cur, v := range s.FXPositions {
		ch <- prometheus.MustNewConstMetric(descFX, prometheus.GaugeValue, v, cur)
	}
}
