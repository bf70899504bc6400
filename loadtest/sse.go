package loadtest

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
)

// sseEvent is one Server-Sent Event as a browser's EventSource gets it,
// with the time it was read.
type sseEvent struct {
	id   int64
	typ  string
	data string
	at   time.Time
}

// readSSE calls fn for every event of stream until it ends; the error is
// the stream's (nil at a clean end). Comments (": ping") and retry lines
// are skipped; data lines of one event are joined with newlines.
func readSSE(stream io.Reader, fn func(sseEvent)) error {
	sc := bufio.NewScanner(stream)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var ev sseEvent
	var data []string
	for sc.Scan() {
		line := sc.Text()
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch {
		case line == "":
			if ev.typ != "" || len(data) > 0 {
				ev.data, ev.at = strings.Join(data, "\n"), time.Now()
				fn(ev)
			}
			ev, data = sseEvent{}, nil
		case field == "id":
			ev.id, _ = strconv.ParseInt(value, 10, 64)
		case field == "event":
			ev.typ = value
		case field == "data":
			data = append(data, value)
		}
	}
	return sc.Err()
}
