package db

// NewID makes an id as the store does, for tests that write rows by hand.
var NewID = newID

// ListenEventsEvery is ListenEvents checkpointing at a given interval, reporting each mark.
var ListenEventsEvery = listenEvents

// MigrateTo applies the migrations up to a version, for tests of a later migration on data
// written by an earlier schema.
var MigrateTo = migrateTo
