package loadtest

import (
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	cases := []struct {
		name string
		stat string
		want time.Duration
		bad  bool
	}{
		{"server", "4242 (parley) S 1 4242 4242 0 -1 4194560 9184 0 0 0 1830 417 0 0 20 0 14 0 12345 2400000000 51200 18446744073709551615\n",
			(1830 + 417) * 10 * time.Millisecond, false},
		{"command with spaces and parentheses", "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 5 3 0 0 20 0 1 0 1 0 0\n", 80 * time.Millisecond, false},
		{"no command", "4242 parley S 1\n", 0, true},
		{"too short", "4242 (parley) S 1 4242\n", 0, true},
		{"not a number", "4242 (parley) S 1 4242 4242 0 -1 4194560 9184 0 0 0 x 417 0\n", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStat([]byte(tc.stat))
			if (err != nil) != tc.bad || got != tc.want {
				t.Fatalf("parseStat = %v, %v; want %v (error: %v)", got, err, tc.want, tc.bad)
			}
		})
	}
}
