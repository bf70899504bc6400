package scenario

import (
	"context"
	"fmt"
)

// sendMessage sends a text with $(variables) to the customer.
type sendMessage struct{ text string }

func newSendMessage(p *Params) Block { return &sendMessage{text: p.String("text", true)} }

func (b *sendMessage) Run(ctx context.Context, x *Exec) (Step, error) {
	if err := x.Runtime.Send(ctx, x.Chat, Expand(b.text, x.Vars)); err != nil {
		return Step{}, fmt.Errorf("send message: %w", err)
	}
	return Step{}, nil
}

// findAgent queues the chat on a service and waits until routing assigns it.
type findAgent struct {
	service  string
	priority int
}

func newFindAgent(p *Params) Block {
	return &findAgent{service: p.String("service", true), priority: p.Int("priority", 0)}
}

func (b *findAgent) Run(ctx context.Context, x *Exec) (Step, error) {
	if err := x.Runtime.Enqueue(ctx, x.Chat, Expand(b.service, x.Vars), b.priority); err != nil {
		return Step{}, fmt.Errorf("find agent: %w", err)
	}
	return Step{Wait: SigAgentFound}, nil
}

func (b *findAgent) Resume(_ context.Context, _ *Exec, sig Signal) (Step, error) {
	return Step{Exit: "found"}, nil
}

// connectChat holds the chat while agents talk with the customer.
type connectChat struct{}

func newConnectChat(*Params) Block { return connectChat{} }

func (connectChat) Run(context.Context, *Exec) (Step, error) {
	return Step{Wait: SigChatEnded}, nil
}

func (connectChat) Resume(context.Context, *Exec, Signal) (Step, error) {
	return Step{}, nil
}

// exit ends the chat, optionally with a closing message.
type exit struct{ text string }

func newExit(p *Params) Block { return &exit{text: p.String("text", false)} }

func (b *exit) Run(ctx context.Context, x *Exec) (Step, error) {
	if b.text != "" {
		if err := x.Runtime.Send(ctx, x.Chat, Expand(b.text, x.Vars)); err != nil {
			return Step{}, fmt.Errorf("exit: %w", err)
		}
	}
	return Step{End: true}, nil
}
