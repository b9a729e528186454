-- Webhook delivery attempts are partitioned by week of created_at, like events (0060): after
-- 30 days a week of them is dropped at once.
ALTER TABLE webhook_deliveries RENAME TO webhook_deliveries_unpartitioned;
ALTER INDEX webhook_deliveries_pkey RENAME TO webhook_deliveries_unpartitioned_pkey;
ALTER INDEX webhook_deliveries_endpoint RENAME TO webhook_deliveries_unpartitioned_endpoint;
DROP INDEX webhook_deliveries_created;
ALTER TABLE webhook_deliveries_unpartitioned RENAME CONSTRAINT webhook_deliveries_endpoint_id_fkey
    TO webhook_deliveries_unpartitioned_endpoint_id_fkey;

CREATE TABLE webhook_deliveries (
    id            uuid NOT NULL,
    endpoint_id   uuid NOT NULL,
    event_id      uuid NOT NULL,
    event_type    text NOT NULL,
    attempt       int NOT NULL,
    status_code   int NOT NULL DEFAULT 0,
    duration_ms   int NOT NULL,
    error         text NOT NULL DEFAULT '',
    next_retry_at timestamptz,
    created_at    timestamptz NOT NULL
) PARTITION BY RANGE (created_at);
CREATE TABLE webhook_deliveries_default PARTITION OF webhook_deliveries DEFAULT;
SELECT kjb_ensure_partition('webhook_deliveries', 'created_at', w, w + interval '168 hours')
FROM generate_series(date_trunc('week', now() - interval '30 days', 'UTC'), now() + interval '168 hours', interval '168 hours') w;

INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, attempt, status_code, duration_ms, error, next_retry_at, created_at)
SELECT id, endpoint_id, event_id, event_type, attempt, status_code, duration_ms, error, next_retry_at, created_at
FROM webhook_deliveries_unpartitioned;

-- Attempts are read by id (in every partition) and listed by endpoint, newest first.
ALTER TABLE webhook_deliveries ADD PRIMARY KEY (id, created_at);
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_endpoint_id_fkey FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints;
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
DROP TABLE webhook_deliveries_unpartitioned;
