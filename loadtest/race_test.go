//go:build race

package loadtest_test

// raceEnabled: the race detector slows the in-process server (SQLite
// most, being Go code) several times, so the end-to-end test loads less.
const raceEnabled = true
