package sqlstore

import "time"

// HoldThresholds has s keep its cached thresholds for an hour instead of
// thresholdTTL, so a test's statement counts do not depend on its speed.
func HoldThresholds(s *Store) {
	s.thresholds.mu.Lock()
	s.thresholds.ttl = time.Hour
	s.thresholds.mu.Unlock()
}
