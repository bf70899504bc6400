package scenario

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ask prompts the customer, checks the answer and stores it in a variable.
// A wrong answer is asked again up to retries times, then the block leaves
// through "failed"; no answer within timeout leaves through "timeout".
type ask struct {
	prompt    OutMessage
	variable  string
	validate  string
	choices   []QuickReply
	retries   int
	retryText string
	timeout   time.Duration
}

// Validations an Ask block can apply to an answer.
var validations = map[string]func(a *ask, text, payload string) (string, bool){
	"text":   func(_ *ask, t, _ string) (string, bool) { return t, t != "" },
	"email":  validEmail,
	"phone":  validPhone,
	"number": validNumber,
	"choice": validChoice,
}

func newAsk(p *Params) Block {
	b := &ask{
		prompt:    OutMessage{Text: p.String("text", true), TypingDelay: p.Duration("typing_delay", 0)},
		variable:  p.String("var", true),
		validate:  p.String("validate", false),
		retries:   p.Int("retries", 2),
		retryText: p.String("retry_text", false),
		timeout:   p.Duration("timeout", 0),
	}
	b.choices = quickReplies(p, "choices")
	if b.validate == "" {
		b.validate = "text"
		if len(b.choices) > 0 {
			b.validate = "choice"
		}
	}
	if _, ok := validations[b.validate]; !ok {
		p.Failf("validate", "must be text, email, phone, number or choice, not %q", b.validate)
	}
	if b.validate == "choice" && len(b.choices) == 0 {
		p.Failf("choices", "required when validate is choice")
	}
	if b.variable != "" && !varName.MatchString(b.variable) {
		p.Failf("var", "not a valid variable name")
	}
	if b.retries < 0 {
		p.Failf("retries", "must not be negative")
	}
	if b.retryText == "" {
		b.retryText = defaultRetry[b.validate]
	}
	b.prompt.QuickReplies = b.choices
	return b
}

var defaultRetry = map[string]string{
	"text":   "Please type your answer.",
	"email":  "That does not look like an email address. Please type it again, like name@example.com.",
	"phone":  "That does not look like a phone number. Please type it again with digits only.",
	"number": "Please answer with a number.",
	"choice": "Please pick one of the options.",
}

// triesVar counts the wrong answers given to the current Ask block.
const triesVar = "_ask_tries"

func (b *ask) Run(ctx context.Context, x *Exec) (Step, error) {
	x.Unset(triesVar)
	if err := say(ctx, x, b.prompt); err != nil {
		return Step{}, fmt.Errorf("ask: %w", err)
	}
	return b.wait(x), nil
}

func (b *ask) wait(x *Exec) Step {
	s := Step{Wait: SigInput}
	if b.timeout > 0 {
		s.WakeAt = x.Now.Add(b.timeout)
	}
	return s
}

func (b *ask) Resume(ctx context.Context, x *Exec, sig Signal) (Step, error) {
	if sig.Kind == SigTimer {
		x.Unset(triesVar)
		return Step{Exit: "timeout"}, nil
	}
	text := strings.TrimSpace(sig.Text)
	if v, ok := validations[b.validate](b, text, sig.Payload); ok {
		x.Unset(triesVar)
		x.Set(b.variable, v)
		return Step{}, nil
	}
	tries, _ := strconv.Atoi(x.Vars[triesVar])
	tries++
	if tries > b.retries {
		x.Unset(triesVar)
		return Step{Exit: "failed"}, nil
	}
	x.Set(triesVar, strconv.Itoa(tries))
	retry := b.prompt
	retry.Text = b.retryText
	if err := say(ctx, x, retry); err != nil {
		return Step{}, fmt.Errorf("ask: %w", err)
	}
	return b.wait(x), nil
}

func validEmail(_ *ask, t, _ string) (string, bool) {
	a, err := mail.ParseAddress(t)
	if err != nil || a.Address != t || !strings.Contains(t[strings.LastIndex(t, "@"):], ".") {
		return "", false
	}
	return strings.ToLower(t), true
}

var phoneChars = regexp.MustCompile(`^\+?[0-9 ()./-]+$`)

func validPhone(_ *ask, t, _ string) (string, bool) {
	if !phoneChars.MatchString(t) {
		return "", false
	}
	var digits strings.Builder
	if strings.HasPrefix(t, "+") {
		digits.WriteByte('+')
	}
	for _, r := range t {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	n := len(strings.TrimPrefix(digits.String(), "+"))
	return digits.String(), n >= 7 && n <= 15
}

func validNumber(_ *ask, t, _ string) (string, bool) {
	t = strings.ReplaceAll(t, ",", ".")
	if _, err := strconv.ParseFloat(t, 64); err != nil {
		return "", false
	}
	return t, true
}

// validChoice accepts a tapped quick reply (by payload) or a typed title.
func validChoice(a *ask, t, payload string) (string, bool) {
	for _, c := range a.choices {
		if (payload != "" && payload == c.Payload) || strings.EqualFold(t, c.Title) || strings.EqualFold(t, c.Payload) {
			return c.Payload, true
		}
	}
	return "", false
}
