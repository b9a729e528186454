// Package graph is the GraphQL adapter (gqlgen, schema first): resolvers that map one
// domain call each, global ids and cursors, the error presenter, authentication, and the
// HTTP server with its hardening (body cap, depth, complexity, alias and token limits, rate
// limit, panic recovery).
package graph
