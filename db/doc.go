// Package db is the PostgreSQL adapter: every SQL statement, the migrations, the transaction
// helper with serialization-failure retries, row mapping, and the translation of Postgres
// errors into domain codes. It implements domain.Store. Money rules are not here: queries
// aggregate raw figures and domain decides (fee statements, FX netting). River's tables belong
// to worker; the sandbox rail's and provider's tables to sandboxrail and sandboxliquidity,
// which write them (the ledger audit reads them to reconcile payouts and settlements).
package db
