package scenario

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// survey asks the post-chat satisfaction question (CSAT) inside a
// scenario, typically after connect_chat: a score from 1 to 5 as quick
// replies (numbered choices on channels without them), then, with
// comment_text, an optional comment. The answers are $(csat_score) and
// $(csat_comment), and are recorded for the chat, its last agent and its
// service like the service survey's (SurveyRecorder). It leaves through
// the default exit once answered, "timeout" when the customer does not
// answer within timeout (10m), or "failed" after two answers that are no
// score.
type survey struct {
	question OutMessage
	comment  OutMessage
	thanks   string
	timeout  time.Duration
}

// SurveyRecorder is a runtime that keeps survey answers (package
// conversation): a score (1–5) first, then a comment ("" for none).
type SurveyRecorder interface {
	RecordSurveyScore(ctx context.Context, chat *parley.Chat, score int) error
	RecordSurveyComment(ctx context.Context, chat *parley.Chat, comment string) error
}

// Survey variables and payloads.
const (
	surveyStepVar    = "_survey_step"
	surveyTriesVar   = "_survey_tries"
	SurveyScoreVar   = "csat_score"
	SurveyCommentVar = "csat_comment"
	SurveyPayload    = "CSAT_" // a score's quick reply: CSAT_1 … CSAT_5
	SurveySkip       = "CSAT_SKIP"
)

func newSurvey(p *Params) Block {
	b := &survey{
		question: OutMessage{Text: p.String("text", false)},
		comment:  OutMessage{Text: p.String("comment_text", false)},
		thanks:   p.String("thanks", false),
		timeout:  p.Duration("timeout", 10*time.Minute),
	}
	if b.question.Text == "" {
		b.question.Text = "How satisfied are you with the help you got? 1 (not at all) to 5 (very)."
	}
	for i := 1; i <= 5; i++ {
		n := strconv.Itoa(i)
		b.question.QuickReplies = append(b.question.QuickReplies, QuickReply{Title: n, Payload: SurveyPayload + n})
	}
	b.comment.QuickReplies = []QuickReply{{Title: "No comment", Payload: SurveySkip}}
	if b.timeout <= 0 {
		p.Failf("timeout", "must be positive")
	}
	return b
}

func (b *survey) Run(ctx context.Context, x *Exec) (Step, error) {
	x.Unset(surveyStepVar)
	x.Unset(surveyTriesVar)
	if err := say(ctx, x, b.question); err != nil {
		return Step{}, fmt.Errorf("survey: %w", err)
	}
	return Step{Wait: SigInput, WakeAt: x.Now.Add(b.timeout)}, nil
}

func (b *survey) Resume(ctx context.Context, x *Exec, sig Signal) (Step, error) {
	if sig.Kind == SigTimer {
		x.Unset(surveyStepVar)
		x.Unset(surveyTriesVar)
		return Step{Exit: "timeout"}, nil
	}
	rec, _ := x.Runtime.(SurveyRecorder)
	if x.Vars[surveyStepVar] == "comment" {
		comment := strings.TrimSpace(sig.Text)
		if sig.Payload == SurveySkip {
			comment = ""
		}
		x.Set(SurveyCommentVar, comment)
		if rec != nil && comment != "" {
			if err := rec.RecordSurveyComment(ctx, x.Chat, comment); err != nil {
				return Step{}, fmt.Errorf("survey: %w", err)
			}
		}
		return b.done(ctx, x)
	}
	score, ok := ParseScore(sig.Text, sig.Payload)
	if !ok {
		tries, _ := strconv.Atoi(x.Vars[surveyTriesVar])
		if tries++; tries > 2 {
			x.Unset(surveyTriesVar)
			return Step{Exit: "failed"}, nil
		}
		x.Set(surveyTriesVar, strconv.Itoa(tries))
		retry := b.question
		retry.Text = "Please answer with a number from 1 to 5."
		if err := say(ctx, x, retry); err != nil {
			return Step{}, fmt.Errorf("survey: %w", err)
		}
		return Step{Wait: SigInput, WakeAt: x.Now.Add(b.timeout)}, nil
	}
	x.Unset(surveyTriesVar)
	x.Set(SurveyScoreVar, strconv.Itoa(score))
	if rec != nil {
		if err := rec.RecordSurveyScore(ctx, x.Chat, score); err != nil {
			return Step{}, fmt.Errorf("survey: %w", err)
		}
	}
	if b.comment.Text == "" {
		return b.done(ctx, x)
	}
	x.Set(surveyStepVar, "comment")
	if err := say(ctx, x, b.comment); err != nil {
		return Step{}, fmt.Errorf("survey: %w", err)
	}
	return Step{Wait: SigInput, WakeAt: x.Now.Add(b.timeout)}, nil
}

func (b *survey) done(ctx context.Context, x *Exec) (Step, error) {
	x.Unset(surveyStepVar)
	if b.thanks != "" {
		if err := say(ctx, x, OutMessage{Text: b.thanks}); err != nil {
			return Step{}, fmt.Errorf("survey: %w", err)
		}
	}
	return Step{}, nil
}

// ParseScore reads a survey score: a CSAT_n quick reply's payload, or a
// typed number from 1 to 5.
func ParseScore(text, payload string) (int, bool) {
	v, ok := strings.CutPrefix(payload, SurveyPayload)
	if !ok {
		v = strings.TrimSuffix(strings.TrimSpace(text), ".")
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 1 && n <= 5
}
