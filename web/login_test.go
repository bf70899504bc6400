package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/auth"
	"github.com/parleycc/parley/bus/inmem"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
	"github.com/parleycc/parley/web"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// loginRig is a web server on a store with users u1…u30 (password
// "right-<name>") and a clock the test controls.
type loginRig struct {
	url   string
	clock *fakeClock
}

func newLoginRig(t *testing.T, st *sqlstore.Store) *loginRig {
	t.Helper()
	ctx := context.Background()
	for i := 1; i <= 30; i++ {
		name := fmt.Sprintf("u%d", i)
		hash, err := bcrypt.GenerateFromPassword([]byte("right-"+name), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.UpsertUser(ctx, &parley.User{TenantID: parley.DefaultTenant, Username: name, DisplayName: name,
			Role: parley.RoleAgent, PasswordHash: string(hash), Capacity: 1}); err != nil {
			t.Fatal(err)
		}
	}
	clock := &fakeClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	bus := inmem.New()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := conversation.New(conversation.Config{Store: st, Bus: bus, Logger: log, Clock: clock})
	h, err := (&web.Server{Bus: bus, Conversations: svc, Auth: auth.New(st, clock), Logger: log, Clock: clock}).Handler()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &loginRig{url: ts.URL, clock: clock}
}

// loginResult is one answer of POST /api/login.
type loginResult struct {
	status     int
	retryAfter string
	message    string
}

func (r *loginRig) login(t *testing.T, user, pass string) loginResult {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": pass})
	resp, err := http.Post(r.url+"/api/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct {
		Error struct{ Message string } `json:"error"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return loginResult{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), message: e.Error.Message}
}

// fail makes n wrong-password attempts that must each answer want.
func (r *loginRig) fail(t *testing.T, user string, n, want int) {
	t.Helper()
	for i := range n {
		if got := r.login(t, user, "wrong"); got.status != want {
			t.Fatalf("wrong password %d for %s: HTTP %d (%s), want %d", i+1, user, got.status, got.message, want)
		}
	}
}

// TestLoginLimit checks the login limiter on both databases: 5 failures
// in 15 minutes lock an account for 15 minutes (even the right password
// gets 429 with Retry-After and a message saying when to retry), success
// resets the account's count, and 20 failures lock the client address.
func TestLoginLimit(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newLoginRig(t, st)
		tests := []struct {
			name string
			run  func(t *testing.T)
		}{
			{"five failures lock the account for 15 minutes", func(t *testing.T) {
				r.fail(t, "u1", 4, http.StatusUnauthorized)
				until := r.clock.Now().Add(15 * time.Minute).Format("15:04 UTC")
				r.fail(t, "u1", 1, http.StatusTooManyRequests)
				got := r.login(t, "u1", "right-u1")
				if got.status != http.StatusTooManyRequests {
					t.Fatalf("right password while locked: HTTP %d, want 429", got.status)
				}
				if secs, err := strconv.Atoi(got.retryAfter); err != nil || secs < 14*60 || secs > 15*60 {
					t.Errorf("Retry-After = %q, want about 900 s", got.retryAfter)
				}
				if !strings.Contains(got.message, until) || !strings.Contains(got.message, "15 minutes") {
					t.Errorf("message %q does not say when to retry", got.message)
				}
				if other := r.login(t, "u2", "right-u2"); other.status != http.StatusOK {
					t.Errorf("another account: HTTP %d, want 200", other.status)
				}
				r.clock.Advance(14 * time.Minute)
				if got := r.login(t, "u1", "right-u1"); got.status != http.StatusTooManyRequests || got.retryAfter != "60" {
					t.Errorf("a minute before the end: HTTP %d Retry-After %q, want 429 and 60", got.status, got.retryAfter)
				}
				r.clock.Advance(time.Minute)
				if got := r.login(t, "u1", "right-u1"); got.status != http.StatusOK {
					t.Errorf("after 15 minutes: HTTP %d (%s), want 200", got.status, got.message)
				}
			}},
			{"success resets the account's count", func(t *testing.T) {
				r.fail(t, "u3", 4, http.StatusUnauthorized)
				if got := r.login(t, "u3", "right-u3"); got.status != http.StatusOK {
					t.Fatalf("right password: HTTP %d", got.status)
				}
				r.fail(t, "u3", 4, http.StatusUnauthorized)
				if got := r.login(t, "u3", "right-u3"); got.status != http.StatusOK {
					t.Fatalf("right password: HTTP %d", got.status)
				}
			}},
			{"failures older than 15 minutes do not count", func(t *testing.T) {
				r.fail(t, "u4", 4, http.StatusUnauthorized)
				r.clock.Advance(16 * time.Minute)
				r.fail(t, "u4", 4, http.StatusUnauthorized)
				if got := r.login(t, "u4", "right-u4"); got.status != http.StatusOK {
					t.Fatalf("right password: HTTP %d", got.status)
				}
			}},
			{"unknown usernames are limited alike", func(t *testing.T) {
				r.fail(t, "nobody", 4, http.StatusUnauthorized)
				r.fail(t, "nobody", 1, http.StatusTooManyRequests)
			}},
			{"twenty failures lock the address", func(t *testing.T) {
				for i := 10; i < 14; i++ { // 4 accounts × 4 failures, none locked
					r.fail(t, fmt.Sprintf("u%d", i), 4, http.StatusUnauthorized)
				}
				r.fail(t, "u14", 3, http.StatusUnauthorized)
				r.fail(t, "u14", 1, http.StatusTooManyRequests) // the 20th
				got := r.login(t, "u20", "right-u20")
				if got.status != http.StatusTooManyRequests || got.retryAfter == "" {
					t.Fatalf("a fresh account from the locked address: HTTP %d Retry-After %q, want 429", got.status, got.retryAfter)
				}
				r.clock.Advance(15 * time.Minute)
				if got := r.login(t, "u20", "right-u20"); got.status != http.StatusOK {
					t.Fatalf("after 15 minutes: HTTP %d (%s)", got.status, got.message)
				}
			}},
		}
		for _, tt := range tests {
			r.clock.Advance(time.Hour) // every case starts with the address's window behind it
			t.Run(tt.name, tt.run)
		}
	})
}
