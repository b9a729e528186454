// Package graph is the GraphQL adapter (gqlgen, schema first): resolvers that map one
// domain call each, global ids and cursors, the error presenter, authentication, and the
// HTTP server with its hardening (body cap, depth, complexity, alias and token limits, rate
// limit, panic recovery).
//
// The schema's root is ../schema.graphqls; each area's types and fields are in
// schema/<area>.graphqls and its resolvers in <area>.resolvers.go. A resolver takes the actor
// from the context, makes one domain call and maps the result: mutate shapes every mutation's
// payload and userErrors, connect every list's page, nullIfNotFound every read that answers
// null, and nodeTypes (ids.go) names every global id type.
package graph
