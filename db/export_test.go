package db

// NewID makes an id as the store does, for tests that write rows by hand.
var NewID = newID
