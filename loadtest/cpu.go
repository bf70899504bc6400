package loadtest

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// CPU is the processor time the server used while the customers in
// connected chats wrote and until their messages and replies settled
// (Linux). Per message, it compares builds far more steadily than
// latencies on a machine the harness shares: a message and its reply
// cost about the same at any rate the server keeps up with.
type CPU struct {
	Seconds    float64 `json:"seconds"`        // user and system
	Wall       float64 `json:"wall_seconds"`   // the time it was measured over
	PerMessage float64 `json:"per_message_ms"` // Seconds per message written in a connected chat (and its reply), in ms
}

// userHZ is the unit of /proc/PID/stat's times: Linux fixes it at 100
// for every program, whatever the kernel's own tick.
const userHZ = 100

// readCPUTime reads the user and system time process pid has used.
func readCPUTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("server CPU: %w", err)
	}
	return parseStat(b)
}

// parseStat reads utime and stime, the 14th and 15th fields of a
// /proc/PID/stat line. The 2nd, the command in parentheses, may hold
// spaces and parentheses itself: the fields are counted after its last
// ')'.
func parseStat(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("server CPU: no command in /proc stat")
	}
	fields := bytes.Fields(b[i+1:]) // the 3rd field on
	const utime, stime = 14 - 3, 15 - 3
	if len(fields) <= stime {
		return 0, fmt.Errorf("server CPU: /proc stat has %d fields after the command, want more than %d", len(fields), stime)
	}
	var ticks int64
	for _, f := range [][]byte{fields[utime], fields[stime]} {
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("server CPU: %q is not a count of clock ticks", f)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// cpuSince is what the server used from start (its CPU time then, read
// at began) to now, over messages.
func cpuSince(pid int, start time.Duration, began time.Time, messages int64) (*CPU, error) {
	now, err := readCPUTime(pid)
	if err != nil {
		return nil, err
	}
	c := &CPU{Seconds: (now - start).Seconds(), Wall: time.Since(began).Seconds()}
	if messages > 0 {
		c.PerMessage = c.Seconds * 1000 / float64(messages)
	}
	return c, nil
}
