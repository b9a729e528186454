-- Idempotency keys are partitioned by week of created_at, like events (0060): after 7 days a
-- week of them is dropped at once. A unique index holds within one partition only, so a key
-- stays unique across partitions by how it is claimed (db/fx.go ClaimIdempotencyKey): under a
-- transaction-level advisory lock on the key, a look-up in every partition, then the insert.
-- The primary key (with the partition key) still rejects a duplicate within a partition.
ALTER TABLE idempotency_keys RENAME TO idempotency_keys_unpartitioned;
ALTER INDEX idempotency_keys_pkey RENAME TO idempotency_keys_unpartitioned_pkey;
DROP INDEX idempotency_keys_created;

CREATE TABLE idempotency_keys (
    principal    text NOT NULL,
    key          text NOT NULL,
    operation    text NOT NULL,
    request_hash text NOT NULL,
    result_id    text,
    created_at   timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (created_at);
CREATE TABLE idempotency_keys_default PARTITION OF idempotency_keys DEFAULT;
SELECT kjb_ensure_partition('idempotency_keys', 'created_at', w, w + interval '168 hours')
FROM generate_series(date_trunc('week', now() - interval '7 days', 'UTC'), now() + interval '168 hours', interval '168 hours') w;

INSERT INTO idempotency_keys (principal, key, operation, request_hash, result_id, created_at)
SELECT principal, key, operation, request_hash, result_id, created_at FROM idempotency_keys_unpartitioned;

ALTER TABLE idempotency_keys ADD PRIMARY KEY (principal, key, created_at);
DROP TABLE idempotency_keys_unpartitioned;
