//go:build race

package demo

// raceEnabled: the race detector slows the generator and the pure-Go
// SQLite tenfold, so the tests that load the province world more than
// once load it once.
const raceEnabled = true
