// Package domain holds KJB's business rules: money and currencies, accounts and their
// balances, the double-entry ledger, actors and what they may do, and the ports (Store, Tx,
// Clock) through which the rules reach storage and jobs. It imports the standard library and
// shopspring/decimal only, so every rule is testable without a database.
package domain
