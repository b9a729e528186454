-- One notification per statement instead of per row: a transaction's few events travel
-- inline; a bulk insert (settlements, month closes) sends its range of sequence numbers, which
-- listeners read back. Notifications still arrive at commit, in commit order.
DROP TRIGGER events_notify ON events;
DROP FUNCTION events_notify();

CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n int;
    payload text;
BEGIN
    SELECT count(*) INTO n FROM new_events;
    IF n = 0 THEN
        RETURN NULL;
    ELSIF n <= 15 THEN
        SELECT json_agg(json_build_object('id', id, 'type', type, 'occurred_at', occurred_at, 'account_id', account_id,
            'partner_id', partner_id, 'object_type', object_type, 'object_id', object_id, 'payment_id', payment_id) ORDER BY seq)::text
            INTO payload FROM new_events;
    ELSE
        SELECT json_build_object('from', min(seq), 'to', max(seq))::text INTO payload FROM new_events;
    END IF;
    PERFORM pg_notify('kjb_events', payload);
    RETURN NULL;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
