package scenario

import (
	"slices"
	"strings"
	"unicode"
)

// Escalation lets a customer ask for a person at any step of the bot
// phase: a message that is one of the keywords (whole message, any case,
// punctuation ignored), or a tap on the button the scenario adds to the
// bot messages of the blocks it names, moves the chat to block To
// (usually a Find Agent) wherever it was waiting. A chat already queued
// or with an agent is not moved.
type Escalation struct {
	Keywords []string `json:"keywords,omitempty" yaml:"keywords,omitempty"`
	To       string   `json:"to" yaml:"to"`
	// Button is the title of the quick reply added to bot messages
	// ("Talk to a person"); empty: no button.
	Button string `json:"button,omitempty" yaml:"button,omitempty"`
	// ButtonOn lists the blocks whose messages carry the button; "*" is
	// every block.
	ButtonOn []string `json:"button_on,omitempty" yaml:"button_on,omitempty"`
}

// EscalatePayload is the payload of the escalation button.
const EscalatePayload = "PARLEY_AGENT"

// EscalatedFromVar names the block the customer asked for a person at.
const EscalatedFromVar = "escalated_from"

// asks reports whether sig is the customer asking for a person.
func (e *Escalation) asks(sig Signal) bool {
	if e == nil || sig.Kind != SigInput {
		return false
	}
	if sig.Payload == EscalatePayload {
		return true
	}
	text := strings.ToLower(strings.TrimFunc(sig.Text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }))
	text = strings.Join(strings.Fields(text), " ")
	for _, k := range e.Keywords {
		if text != "" && text == strings.ToLower(strings.Join(strings.Fields(k), " ")) {
			return true
		}
	}
	return false
}

// escalatesFrom reports whether a chat waiting for kind on block may be
// moved: it is in the bot phase (not queued, not with an agent) and not
// already at the target.
func (e *Escalation) escalatesFrom(block, waiting string) bool {
	return e != nil && block != "" && block != e.To && waiting != "" && waiting != SigAgentFound && waiting != SigChatEnded
}

// buttonOn reports whether the block's bot messages carry the button.
func (e *Escalation) buttonOn(block string) bool {
	return e != nil && e.Button != "" && (slices.Contains(e.ButtonOn, "*") || slices.Contains(e.ButtonOn, block))
}

// withButton adds the escalation quick reply to a message of the block.
func (x *Exec) withButton(m OutMessage) OutMessage {
	if m.plain || !x.escalation.buttonOn(x.Block) || len(m.QuickReplies) >= 12 {
		return m
	}
	for _, q := range m.QuickReplies {
		if q.Payload == EscalatePayload {
			return m
		}
	}
	m.QuickReplies = append(slices.Clone(m.QuickReplies), QuickReply{Title: x.escalation.Button, Payload: EscalatePayload})
	return m
}
