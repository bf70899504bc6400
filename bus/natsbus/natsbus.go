// Package natsbus is the event bus of multi-node installs: notifications go
// through a NATS server, so a browser's live stream on one node hears of
// events written on another, and every node's routing leader wakes up.
//
// It carries notifications only (core NATS publish/subscribe, at most
// once); the event log in the database is the truth and readers re-read
// it, so a lost notification costs latency, never data. JetStream is not
// needed for that.
package natsbus

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// subjectPrefix is followed by the tenant id.
const subjectPrefix = "parley.events."

// Bus is a parley.Bus over NATS.
type Bus struct {
	nc     *nats.Conn
	logger *slog.Logger
}

// Connect dials the NATS server at url (nats://host:port).
func Connect(url string, logger *slog.Logger) (*Bus, error) {
	if logger == nil {
		logger = slog.Default()
	}
	nc, err := nats.Connect(url, nats.Name("parley"), nats.Timeout(5*time.Second),
		nats.MaxReconnects(-1), nats.ReconnectWait(time.Second))
	if err != nil {
		return nil, fmt.Errorf("natsbus: connect %s: %w", url, err)
	}
	return &Bus{nc: nc, logger: logger}, nil
}

// subject is the tenant's subject; tenant ids are made safe for NATS
// (no dots, spaces or wildcards).
func subject(tenant string) string {
	return subjectPrefix + strings.Map(func(r rune) rune {
		switch r {
		case '.', ' ', '*', '>', '\t', '\r', '\n':
			return '_'
		}
		return r
	}, tenant)
}

// Publish tells every node's subscribers of tenantID that event id exists.
func (b *Bus) Publish(_ context.Context, tenantID string, id int64) error {
	if err := b.nc.Publish(subject(tenantID), []byte(strconv.FormatInt(id, 10))); err != nil {
		return fmt.Errorf("natsbus: publish: %w", err)
	}
	return nil
}

// Subscribe returns a channel of event ids for tenantID and a function that
// ends the subscription. A full channel drops notifications rather than
// block NATS's delivery.
func (b *Bus) Subscribe(tenantID string) (<-chan int64, func()) {
	ch := make(chan int64, 64)
	sub, err := b.nc.Subscribe(subject(tenantID), func(m *nats.Msg) {
		id, err := strconv.ParseInt(string(m.Data), 10, 64)
		if err != nil {
			return
		}
		select {
		case ch <- id:
		default:
		}
	})
	if err != nil {
		// The caller still polls the log on its own timer; say why it is slower.
		b.logger.Error("natsbus: subscribe", slog.String("tenant", tenantID), slog.Any("err", err))
		return ch, func() {}
	}
	var once sync.Once
	return ch, func() { once.Do(func() { _ = sub.Unsubscribe() }) }
}

// Flush waits until the server has processed everything sent so far.
func (b *Bus) Flush() error { return b.nc.Flush() }

// Close drains subscriptions and closes the connection.
func (b *Bus) Close() error {
	if err := b.nc.Drain(); err != nil {
		b.nc.Close()
		return fmt.Errorf("natsbus: close: %w", err)
	}
	return nil
}
