-- A listener catching up after a lost connection reads the events above a sequence value it
-- checkpointed (db/events.go ListenEvents) and relies on every transaction holding a number up to
-- that value having taken its transaction id before the checkpoint took its own. A transaction
-- gets its id at its first write,
-- which for a transaction whose first write is an events insert comes after the sequence hands
-- out the number: this trigger takes the id before any row of the statement draws one.
CREATE FUNCTION events_take_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_current_xact_id();
    RETURN NULL;
END $$;
CREATE TRIGGER events_take_xid BEFORE INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION events_take_xid();
