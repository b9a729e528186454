-- The transactional outbox: one row per state change, written with the change.
CREATE TABLE events (
    id          uuid PRIMARY KEY,
    seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    type        text NOT NULL,
    occurred_at timestamptz NOT NULL,
    account_id  uuid,
    partner_id  uuid,
    object_type text NOT NULL,
    object_id   uuid NOT NULL,
    payment_id  uuid
);
CREATE INDEX events_account ON events (account_id, seq) WHERE account_id IS NOT NULL;
CREATE INDEX events_partner ON events (partner_id, seq) WHERE partner_id IS NOT NULL;
CREATE INDEX events_occurred ON events (occurred_at);

-- Every committed event is announced on channel kjb_events (delivered at commit, in commit
-- order), so each API process can fan it out to its subscribers.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kjb_events', json_build_object('id', NEW.id, 'type', NEW.type, 'occurred_at', NEW.occurred_at,
        'account_id', NEW.account_id, 'partner_id', NEW.partner_id, 'object_type', NEW.object_type,
        'object_id', NEW.object_id, 'payment_id', NEW.payment_id)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_notify();

CREATE TABLE webhook_endpoints (
    id                  uuid PRIMARY KEY,
    partner_id          uuid NOT NULL REFERENCES partners,
    url                 text NOT NULL,
    types               text[] NOT NULL DEFAULT '{}',
    secret              text NOT NULL,
    previous_secret     text NOT NULL DEFAULT '',
    previous_expires_at timestamptz,
    created_at          timestamptz NOT NULL,
    deleted_at          timestamptz
);
CREATE INDEX webhook_endpoints_partner ON webhook_endpoints (partner_id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_deliveries (
    id            uuid PRIMARY KEY,
    endpoint_id   uuid NOT NULL REFERENCES webhook_endpoints,
    event_id      uuid NOT NULL,
    event_type    text NOT NULL,
    attempt       int NOT NULL,
    status_code   int NOT NULL DEFAULT 0,
    duration_ms   int NOT NULL,
    error         text NOT NULL DEFAULT '',
    next_retry_at timestamptz,
    created_at    timestamptz NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

-- House books are read by book (FX position metric, audits).
CREATE INDEX ledger_entries_house ON ledger_entries (book, currency) WHERE account_id IS NULL;
