-- How a database knows its mode: the first api or worker started outside sandbox mode records
-- the moment here, and from then on `kjb dev` refuses to seed demo data and keys into it.
CREATE TABLE deployment_mode (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    production_since timestamptz NOT NULL
);
