package conversation

import (
	"fmt"
	"testing"
	"time"
)

func TestUserNames(t *testing.T) {
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		setup  func(c *userNames)
		lookAt time.Time
		want   string
		wantOK bool
	}{
		{"fresh", func(c *userNames) { c.put("u1", "Ana", at) }, at.Add(userNameTTL - time.Millisecond), "Ana", true},
		{"stale", func(c *userNames) { c.put("u1", "Ana", at) }, at.Add(userNameTTL), "", false},
		{"clock went back", func(c *userNames) { c.put("u1", "Ana", at) }, at.Add(-time.Second), "", false},
		{"forgotten after a change here", func(c *userNames) { c.put("u1", "Ana", at); c.forget("u1") }, at, "", false},
		{"unknown", func(c *userNames) { c.put("u2", "Bo", at) }, at, "", false},
		{"full: starts over", func(c *userNames) {
			c.put("u1", "Ana", at)
			for i := range maxUserNames {
				c.put(fmt.Sprintf("x%d", i), "X", at)
			}
		}, at, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c userNames
			tc.setup(&c)
			got, ok := c.get("u1", tc.lookAt)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("get = %q, %v; want %q, %v", got, ok, tc.want, tc.wantOK)
			}
			if len(c.m) > maxUserNames {
				t.Errorf("cache holds %d names, more than %d", len(c.m), maxUserNames)
			}
		})
	}
}
