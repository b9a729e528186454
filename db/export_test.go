package db

// NewID makes an id as the store does, for tests that write rows by hand.
var NewID = newID

// ListenEventsEvery is ListenEvents checkpointing at a given interval, reporting each mark.
var ListenEventsEvery = listenEvents
