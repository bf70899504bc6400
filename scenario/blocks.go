package scenario

import (
	"context"
	"fmt"
	"time"
)

// sendMessage sends a text with $(variables) to the customer, optionally
// with quick replies or buttons and after a typing delay.
type sendMessage struct{ msg OutMessage }

func newSendMessage(p *Params) Block {
	cards := p.Maps("cards")
	b := &sendMessage{msg: OutMessage{Text: p.String("text", len(cards) == 0), TypingDelay: p.Duration("typing_delay", 0)}}
	b.msg.QuickReplies = quickReplies(p, "quick_replies")
	b.msg.Buttons = buttons(p, "buttons")
	for _, cp := range cards {
		c := Card{Title: cp.String("title", true), Subtitle: cp.String("subtitle", false), ImageURL: cp.String("image_url", false)}
		c.Buttons = buttons(cp, "buttons")
		cp.done()
		b.msg.Cards = append(b.msg.Cards, c)
	}
	switch {
	case len(b.msg.QuickReplies) > 13:
		p.Failf("quick_replies", "at most 13 quick replies (Messenger's limit)")
	case len(b.msg.Cards) > 10:
		p.Failf("cards", "at most 10 cards in a carousel")
	case len(b.msg.Cards) > 0 && len(b.msg.Buttons) > 0:
		p.Failf("buttons", "a message with cards carries its buttons on the cards")
	}
	return b
}

// buttons reads a list of at most 3 postback or web_url buttons.
func buttons(p *Params, key string) []Button {
	var out []Button
	for _, bp := range p.Maps(key) {
		btn := Button{Type: bp.String("type", false), Title: bp.String("title", true), Payload: bp.String("payload", false), URL: bp.String("url", false)}
		switch {
		case btn.Type == "" && btn.URL != "":
			btn.Type = "web_url"
		case btn.Type == "":
			btn.Type = "postback"
		}
		switch {
		case btn.Type != "postback" && btn.Type != "web_url":
			bp.Failf("type", "must be postback or web_url, not %q", btn.Type)
		case btn.Type == "web_url" && btn.URL == "":
			bp.Failf("url", "required for a web_url button")
		case btn.Type == "postback" && btn.Payload == "":
			btn.Payload = btn.Title
		}
		bp.done()
		out = append(out, btn)
	}
	if len(out) > 3 {
		p.Failf(key, "at most 3 buttons (Messenger's limit)")
	}
	return out
}

// quickReplies reads a list of quick replies written as texts or as
// {title, payload} mappings.
func quickReplies(p *Params, key string) []QuickReply {
	raw, ok := p.Raw(key).([]any)
	if !ok {
		if p.raw[key] != nil {
			p.Failf(key, "must be a list")
		}
		return nil
	}
	var out []QuickReply
	for i, e := range raw {
		switch v := e.(type) {
		case string:
			out = append(out, QuickReply{Title: v, Payload: v})
		default:
			m, ok := asMap(v)
			if !ok {
				p.Failf(fmt.Sprintf("%s[%d]", key, i), "must be a text or a mapping with title and payload")
				continue
			}
			qp := &Params{raw: m, used: map[string]bool{}, prefix: fmt.Sprintf("%s[%d].", key, i), parent: p}
			q := QuickReply{Title: qp.String("title", true), Payload: qp.String("payload", false)}
			if q.Payload == "" {
				q.Payload = q.Title
			}
			qp.done()
			out = append(out, q)
		}
	}
	return out
}

func (b *sendMessage) Run(ctx context.Context, x *Exec) (Step, error) {
	if err := say(ctx, x, b.msg); err != nil {
		return Step{}, fmt.Errorf("send message: %w", err)
	}
	return Step{}, nil
}

// say expands the message's variables and sends it, with its structure
// when the runtime can carry it.
func say(ctx context.Context, x *Exec, m OutMessage) error {
	m = x.withButton(m)
	m.Text = Expand(m.Text, x.Vars)
	env, ok := environment(x)
	if !ok || (len(m.QuickReplies) == 0 && len(m.Buttons) == 0 && len(m.Cards) == 0 && m.TypingDelay == 0) {
		return x.Runtime.Send(ctx, x.Chat, m.Text)
	}
	qr := make([]QuickReply, len(m.QuickReplies))
	for i, q := range m.QuickReplies {
		qr[i] = QuickReply{Title: Expand(q.Title, x.Vars), Payload: Expand(q.Payload, x.Vars)}
	}
	btns := expandButtons(m.Buttons, x.Vars)
	cards := make([]Card, len(m.Cards))
	for i, c := range m.Cards {
		cards[i] = Card{Title: Expand(c.Title, x.Vars), Subtitle: Expand(c.Subtitle, x.Vars), ImageURL: Expand(c.ImageURL, x.Vars),
			Buttons: expandButtons(c.Buttons, x.Vars)}
	}
	m.QuickReplies, m.Buttons, m.Cards = qr, btns, cards
	return env.SendMessage(ctx, x.Chat, m)
}

func expandButtons(in []Button, vars map[string]string) []Button {
	out := make([]Button, len(in))
	for i, b := range in {
		out[i] = Button{Type: b.Type, Title: Expand(b.Title, vars), Payload: Expand(b.Payload, vars), URL: Expand(b.URL, vars)}
	}
	return out
}

// connectChat holds the chat while agents talk with the customer; it ends
// when the customer or the last agent leaves. Transfers and conferences
// happen inside it (routing's work).
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

// setVariable sets variables from texts with $(variables).
type setVariable struct{ vars map[string]string }

func newSetVariable(p *Params) Block {
	b := &setVariable{vars: p.StringMap("vars")}
	if len(b.vars) == 0 {
		p.Failf("vars", "required: a mapping of variable names to values")
	}
	for name := range b.vars {
		if !varName.MatchString(name) {
			p.Failf("vars."+name, "not a valid variable name")
		}
	}
	return b
}

func (b *setVariable) Run(_ context.Context, x *Exec) (Step, error) {
	vals := make(map[string]string, len(b.vars))
	for k, v := range b.vars { // expand against the old values first
		vals[k] = Expand(v, x.Vars)
	}
	for k, v := range vals {
		x.Set(k, v)
	}
	return Step{}, nil
}

// wait pauses the scenario; the timer survives restarts.
type wait struct{ d time.Duration }

func newWait(p *Params) Block {
	b := &wait{d: p.Duration("duration", 0)}
	if b.d <= 0 {
		p.Failf("duration", "required: how long to wait, such as 30s")
	}
	return b
}

func (b *wait) Run(_ context.Context, x *Exec) (Step, error) {
	return Step{Wait: SigTimer, WakeAt: x.Now.Add(b.d)}, nil
}

func (b *wait) Resume(context.Context, *Exec, Signal) (Step, error) {
	return Step{}, nil
}
