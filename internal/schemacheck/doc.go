// Package schemacheck guards the GraphQL contract: it prints a schema canonically (gqlparser's
// formatter) for the committed snapshot of the last released schema, lists the breaking
// changes between two schemas, and tells which of them a changelog does not name.
package schemacheck
