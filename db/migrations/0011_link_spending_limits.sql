-- A link's spending limits, in CNY per Asia/Shanghai day and month (NULL: no limit). No row:
-- no limits.
CREATE TABLE link_spending_limits (
    link_id    uuid PRIMARY KEY REFERENCES marketplace_links,
    daily      numeric CHECK (daily > 0),
    monthly    numeric CHECK (monthly > 0),
    updated_at timestamptz NOT NULL
);

-- What each link has spent per Asia/Shanghai day and month: the order amounts (CNY) of its
-- payments, net of refunds. A payment adds to its day's and its month's rows with the COMMIT
-- and records on them the limit it was allowed under (cap); the CHECK then refuses a payment
-- that a concurrent one took past the limit. Refunds only lower spent, so they always pass.
CREATE TABLE link_spending (
    link_id uuid NOT NULL REFERENCES marketplace_links,
    period  text NOT NULL CHECK (period IN ('DAY', 'MONTH')),
    starts  date NOT NULL,
    spent   numeric NOT NULL CHECK (spent >= 0),
    cap     numeric,
    PRIMARY KEY (link_id, period, starts),
    CONSTRAINT link_spending_within_limit CHECK (cap IS NULL OR spent <= cap)
);

-- The link a payment was counted against, so its refunds free that link's limit.
ALTER TABLE payments ADD COLUMN link_id uuid REFERENCES marketplace_links;
