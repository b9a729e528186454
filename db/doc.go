// Package db is the PostgreSQL adapter: every SQL statement, the migrations, the transaction
// helper with serialization-failure retries, row mapping, and the translation of Postgres
// errors into domain codes. It implements domain.Store.
package db
