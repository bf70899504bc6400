package conversation

import (
	"context"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/channeltest"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// stallingChannel holds every send of the text "slow" until release is
// closed, as a platform that takes its time with one request.
type stallingChannel struct {
	*channeltest.Channel
	started chan struct{} // a slow send has begun
	release chan struct{}
}

func (c *stallingChannel) Send(ctx context.Context, acct *parley.Account, to *parley.Customer, out *parley.Outgoing) (parley.SendResult, error) {
	if out.Text == "slow" {
		c.started <- struct{}{}
		select {
		case <-c.release:
		case <-ctx.Done():
			return parley.SendResult{}, ctx.Err()
		}
	}
	return c.Channel.Send(ctx, acct, to, out)
}

// TestOutboxSlowSendHoldsItsChatOnly: while one send hangs, the outbox
// keeps claiming and sending the other chats' replies, including ones
// stored after the slow one was claimed; the slow chat's next reply
// waits for it, and goes out after it.
func TestOutboxSlowSendHoldsItsChatOnly(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		r := newRig(t, st, parley.ServiceRouting{}, nil)
		ch := &stallingChannel{Channel: r.channel, started: make(chan struct{}, 1), release: make(chan struct{})}
		released := false
		defer func() {
			if !released {
				close(ch.release)
			}
		}()
		s := r.startWith(func(c *Config) { c.Channels = parley.NewChannels(ch) })

		slow, quick := r.arriveOn(s, 0), r.arriveOn(s, 0)
		stalled, err := s.queueOutbound(r.ctx, slow, &parley.Message{Sender: parley.SenderBot, Text: "slow"})
		must(t, err)
		<-ch.started
		after, err := s.queueOutbound(r.ctx, slow, &parley.Message{Sender: parley.SenderBot, Text: "after the slow one"})
		must(t, err)
		other, err := s.queueOutbound(r.ctx, quick, &parley.Message{Sender: parley.SenderBot, Text: "quick"})
		must(t, err)
		status := func(m *parley.Message) string {
			got, err := st.Message(r.ctx, m.ID)
			if err != nil {
				return err.Error()
			}
			return got.Status
		}
		r.eventually("the other chat's reply sent while the slow send hangs", func() bool { return status(other) == parley.MsgSent })
		if got := status(after); got != parley.MsgPending {
			t.Fatalf("the slow chat's next reply is %q while the slow send hangs, want pending", got)
		}
		close(ch.release)
		released = true
		r.eventually("the slow chat's replies sent", func() bool {
			return status(stalled) == parley.MsgSent && status(after) == parley.MsgSent
		})
		var order []string
		for _, sent := range r.channel.Sent() {
			order = append(order, sent.Out.Text)
		}
		if len(order) != 3 || order[0] != "quick" || order[1] != "slow" || order[2] != "after the slow one" {
			t.Fatalf("sent %q, want quick, then slow, then after the slow one", order)
		}
	})
}
