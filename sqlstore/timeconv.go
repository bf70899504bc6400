package sqlstore

import (
	"fmt"
	"time"
)

// Times are stored as BIGINT microseconds since the Unix epoch, NULL for
// the zero time. dbTime and scanTime are the only conversions.

// normTime truncates t to what the database keeps and puts it in UTC.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.UnixMicro(t.UnixMicro()).UTC()
}

// dbTime converts t to its column value.
func dbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// timeCol scans a time column into *t.
type timeCol struct{ t *time.Time }

// scanTime returns a sql.Scanner that stores a time column into t.
func scanTime(t *time.Time) timeCol { return timeCol{t} }

// Scan implements sql.Scanner.
func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.UnixMicro(v).UTC()
	case int32:
		*c.t = time.UnixMicro(int64(v)).UTC()
	default:
		return fmt.Errorf("time column: unexpected %T", src)
	}
	return nil
}
