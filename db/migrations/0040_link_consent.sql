-- A link starts PENDING until the member confirms it with the code the marketplace delivered;
-- only an ACTIVE link grants access (every scope already reads status = 'ACTIVE').
ALTER TABLE marketplace_links DROP CONSTRAINT marketplace_links_status_check;
ALTER TABLE marketplace_links ADD CONSTRAINT marketplace_links_status_check CHECK (status IN ('PENDING', 'ACTIVE', 'UNLINKED'));
ALTER TABLE marketplace_links
    ADD COLUMN code_hash text NOT NULL DEFAULT '',
    ADD COLUMN code_expires_at timestamptz,
    ADD COLUMN code_attempts int NOT NULL DEFAULT 0;
CREATE INDEX marketplace_links_pending ON marketplace_links (account_id, member_row_id) WHERE status = 'PENDING';

-- link.confirmation_requested carries the code to the partner, which delivers it to the member.
ALTER TABLE events ADD COLUMN link_code text;

-- The sandbox marketplace: the codes it was asked to deliver, where tests and demos read them.
CREATE TABLE sandbox_link_codes (
    link_id            uuid PRIMARY KEY,
    member_external_id text NOT NULL,
    code               text NOT NULL,
    expires_at         timestamptz NOT NULL,
    sent_at            timestamptz NOT NULL DEFAULT now()
);
