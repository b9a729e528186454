package db

// ListenEventsEvery is ListenEvents checkpointing at a given interval, reporting each mark.
var ListenEventsEvery = listenEvents
