-- Whether an account has Cross-border Pay active is derived from its links, not stored twice.
ALTER TABLE accounts DROP COLUMN cross_border_pay_active;

CREATE TABLE marketplace_members (
    id                          uuid PRIMARY KEY,
    partner_id                  uuid NOT NULL REFERENCES partners,
    member_id                   text NOT NULL,
    type                        text NOT NULL CHECK (type IN ('CORPORATE', 'PERSONAL')),
    alipay_verified             boolean NOT NULL,
    authorized                  boolean NOT NULL,
    mainland_alipay_linked      boolean NOT NULL,
    alipay_international_linked boolean NOT NULL,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL,
    UNIQUE (partner_id, member_id)
);

CREATE TABLE suppliers (
    id                       uuid PRIMARY KEY,
    partner_id               uuid NOT NULL REFERENCES partners,
    supplier_id              text NOT NULL,
    name                     text NOT NULL,
    accepts_cross_border_pay boolean NOT NULL,
    payout_account           text NOT NULL,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    UNIQUE (partner_id, supplier_id)
);

CREATE TABLE marketplace_links (
    id                      uuid PRIMARY KEY,
    account_id              uuid NOT NULL REFERENCES accounts,
    partner_id              uuid NOT NULL REFERENCES partners,
    member_row_id           uuid NOT NULL REFERENCES marketplace_members,
    nickname                text NOT NULL DEFAULT '',
    status                  text NOT NULL CHECK (status IN ('ACTIVE', 'UNLINKED')),
    cross_border_pay_active boolean NOT NULL DEFAULT false,
    created_at              timestamptz NOT NULL,
    unlinked_at             timestamptz,
    CHECK ((status = 'UNLINKED') = (unlinked_at IS NOT NULL)),
    CHECK (status = 'ACTIVE' OR NOT cross_border_pay_active)
);
-- A member links to at most one account at a time; this index decides races.
CREATE UNIQUE INDEX marketplace_links_one_active ON marketplace_links (member_row_id) WHERE status = 'ACTIVE';
CREATE INDEX marketplace_links_account ON marketplace_links (account_id, id);

CREATE TABLE orders (
    id                        uuid PRIMARY KEY,
    partner_id                uuid NOT NULL REFERENCES partners,
    external_id               text NOT NULL,
    buyer_member_row_id       uuid NOT NULL REFERENCES marketplace_members,
    supplier_row_id           uuid NOT NULL REFERENCES suppliers,
    amount                    numeric NOT NULL CHECK (amount > 0),
    currency                  text NOT NULL CHECK (currency = 'CNY'),
    trade_mode                text NOT NULL CHECK (trade_mode IN ('SECURED_TRANSACTION', 'DIRECT', 'CREDIT_TERM', 'CONTRACT')),
    contains_prohibited_items boolean NOT NULL,
    red_packet_discount       boolean NOT NULL,
    status                    text NOT NULL,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL,
    UNIQUE (partner_id, external_id)
);
CREATE INDEX orders_partner ON orders (partner_id, id);
CREATE INDEX orders_buyer ON orders (buyer_member_row_id, id);
