package app_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestSendMessageTypingDelay: a Send Message block with a typing delay
// shows the customer the page typing (a typing_on sender action, sent
// through the outbox) while the delay runs, then the message.
func TestSendMessageTypingDelay(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newFlowWorld(t, dsn(t), flowConfig{Open: false, TypingDelay: "700ms"})
			jane := w.customer("7000000000000001", "Jane")
			said := time.Now()
			jane.says("Hello?")
			jane.hears("Hi Jane!", "We are closed. Your email?")

			var calls []fakegraph.SentCall
			for _, c := range w.graph.SentTo(jane.psid) {
				if c.SenderAction != "" || c.Text != "" {
					calls = append(calls, c)
				}
			}
			if len(calls) < 2 || calls[0].SenderAction != "typing_on" || calls[1].Text != "Hi Jane!" {
				var got []string
				for _, c := range calls {
					got = append(got, c.SenderAction+c.Text)
				}
				t.Fatalf("Graph API calls %q, want typing_on, then \"Hi Jane!\"", got)
			}
			if calls[0].MessagingType != "" || calls[0].MessageID != "" {
				t.Errorf("typing_on call = %+v, want a bare sender action", calls[0])
			}
			// The delay starts when the block runs, after the customer
			// wrote: the text may come later on a busy machine, never
			// sooner. (typing_on itself may be late, so the gap between the
			// two is no measure.)
			if after := calls[1].Time.Sub(said); after < 700*time.Millisecond {
				t.Errorf("the text went out %v after the customer wrote, before the 700ms delay was over", after)
			}
			for _, c := range calls[2:] {
				if c.SenderAction != "" {
					t.Errorf("unexpected sender action %q after the greeting (the Ask has no delay)", c.SenderAction)
				}
			}
		})
	}
}
