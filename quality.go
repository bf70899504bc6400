package parley

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
)

// Supervision (issue 11): a supervisor watches a live chat (monitor),
// writes to its agent only (whisper) or joins it and writes to the
// customer (barge). Every action is recorded.
const (
	SuperviseMonitor = "monitor"
	SuperviseWhisper = "whisper"
	SuperviseBarge   = "barge"
)

// KindWhisper is a supervisor's message to a chat's agent: stored in the
// transcript with Direction Inbound and Sender SenderSupervisor, so the
// outbox never sends it and no customer view shows it.
const KindWhisper = "whisper"

// SenderSupervisor writes whispers.
const SenderSupervisor = "supervisor"

// EventSupervision tells supervisors that one of them monitored, whispered
// into or barged into a chat. It names no agent, so no agent's desktop
// receives it.
const EventSupervision = "chat.supervision"

// SupervisionAction is one recorded supervision action.
type SupervisionAction struct {
	ID       int64
	TenantID string
	ChatID   string
	UserID   string
	Action   string // SuperviseMonitor, SuperviseWhisper or SuperviseBarge
	At       time.Time
}

// TranscriptQuery selects chats, open and closed, for the transcripts
// search. Zero fields do not filter. Results come newest first (created_at,
// then id, descending); After* continue after the last one of a page.
type TranscriptQuery struct {
	TenantID    string
	From, To    time.Time // created_at >= From, < To
	Services    []string  // the supervisor's scope: chats of these services only
	ServiceID   string
	AgentID     string // the chat's agent, or one who wrote in it
	CustomerID  string
	Customer    string // part of the customer's name (case-insensitive)
	Channel     string // the account's type (facebook, telegram, …)
	Disposition string // a disposition set on the chat (its disposition_set fact)
	Open        *bool  // true: open chats only; false: closed ones only
	Words       []string
	AfterTime   time.Time
	AfterID     string
	Limit       int
}

// TranscriptHit is one chat found by a transcripts search.
type TranscriptHit struct {
	Chat         *Chat
	CustomerName string
	ServiceName  string
	AccountName  string
	Channel      string // the account's type
	AgentName    string
	Messages     int
}

// SearchWords splits a full-text query into lower-case words of letters
// and digits, so nothing in them is query syntax to either database. At
// most 8 words are kept.
func SearchWords(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > 8 {
		words = words[:8]
	}
	return words
}

// Scales of an evaluation form's questions.
const (
	ScaleYesNo = "yes_no" // 1 yes, 0 no
	Scale1To5  = "1-5"
)

// EvaluationForm is a service's quality form: sections of weighted
// questions a supervisor answers about a transcript.
type EvaluationForm struct {
	ID        string        `json:"id"`
	TenantID  string        `json:"-"`
	Name      string        `json:"name"`
	ServiceID string        `json:"service_id"`
	Sections  []FormSection `json:"sections"`
	Version   int           `json:"version"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// FormSection is a titled group of questions.
type FormSection struct {
	Title     string         `json:"title" yaml:"title"`
	Questions []FormQuestion `json:"questions" yaml:"questions"`
}

// FormQuestion is one question of a form. ID is unique within the form.
type FormQuestion struct {
	ID     string `json:"id" yaml:"id"`
	Text   string `json:"text" yaml:"text"`
	Scale  string `json:"scale" yaml:"scale"`   // yes_no or 1-5
	Weight int    `json:"weight" yaml:"weight"` // 1–100
}

// Validate reports the first invalid part of the form, naming it like
// "sections[0].questions[1].scale".
func (f *EvaluationForm) Validate() error {
	if strings.TrimSpace(f.Name) == "" {
		return Errorf(EINVALID, "name: required")
	}
	if len(f.Sections) == 0 {
		return Errorf(EINVALID, "sections: at least one section")
	}
	ids := map[string]bool{}
	for i, s := range f.Sections {
		if strings.TrimSpace(s.Title) == "" {
			return Errorf(EINVALID, "sections[%d].title: required", i)
		}
		if len(s.Questions) == 0 {
			return Errorf(EINVALID, "sections[%d].questions: at least one question", i)
		}
		for j, q := range s.Questions {
			at := fmt.Sprintf("sections[%d].questions[%d]", i, j)
			switch {
			case strings.TrimSpace(q.ID) == "":
				return Errorf(EINVALID, "%s.id: required", at)
			case ids[q.ID]:
				return Errorf(EINVALID, "%s.id: duplicate %q", at, q.ID)
			case strings.TrimSpace(q.Text) == "":
				return Errorf(EINVALID, "%s.text: required", at)
			case q.Scale != ScaleYesNo && q.Scale != Scale1To5:
				return Errorf(EINVALID, "%s.scale: must be yes_no or 1-5, not %q", at, q.Scale)
			case q.Weight < 1 || q.Weight > 100:
				return Errorf(EINVALID, "%s.weight: must be 1–100, not %d", at, q.Weight)
			}
			ids[q.ID] = true
		}
	}
	return nil
}

// Questions lists the form's questions in order.
func (f *EvaluationForm) Questions() []FormQuestion {
	var out []FormQuestion
	for _, s := range f.Sections {
		out = append(out, s.Questions...)
	}
	return out
}

// GradeAnswer is the answer to one question of a form.
type GradeAnswer struct {
	QuestionID string `json:"question_id"`
	Value      int    `json:"value"` // yes_no: 1 or 0; 1-5: 1 to 5
	Comment    string `json:"comment,omitempty"`
}

// Score grades answers against the form: every question answered on its
// scale (a yes counts 1, a no 0, 1–5 counts (v-1)/4), weighted, as a
// percentage rounded to one decimal. EINVALID names a missing, unknown
// or out-of-scale answer.
func (f *EvaluationForm) Score(answers []GradeAnswer) (float64, error) {
	byID := map[string]GradeAnswer{}
	for _, a := range answers {
		if _, dup := byID[a.QuestionID]; dup {
			return 0, Errorf(EINVALID, "question %q answered twice", a.QuestionID)
		}
		byID[a.QuestionID] = a
	}
	var sum, weights float64
	for _, q := range f.Questions() {
		a, ok := byID[q.ID]
		if !ok {
			return 0, Errorf(EINVALID, "question %q (%s) is not answered", q.ID, q.Text)
		}
		delete(byID, q.ID)
		var v float64
		switch q.Scale {
		case ScaleYesNo:
			if a.Value != 0 && a.Value != 1 {
				return 0, Errorf(EINVALID, "question %q: answer 1 (yes) or 0 (no), not %d", q.ID, a.Value)
			}
			v = float64(a.Value)
		default:
			if a.Value < 1 || a.Value > 5 {
				return 0, Errorf(EINVALID, "question %q: answer 1 to 5, not %d", q.ID, a.Value)
			}
			v = float64(a.Value-1) / 4
		}
		sum += v * float64(q.Weight)
		weights += float64(q.Weight)
	}
	for id := range byID {
		return 0, Errorf(EINVALID, "question %q is not on form %q", id, f.Name)
	}
	if weights == 0 {
		return 0, Errorf(EINVALID, "form %q has no questions", f.Name)
	}
	return math.Round(1000*sum/weights) / 10, nil
}

// Grade is a supervisor's evaluation of one chat with a form.
type Grade struct {
	ID          string        `json:"id"`
	TenantID    string        `json:"-"`
	ChatID      string        `json:"chat_id"`
	FormID      string        `json:"form_id"`
	FormName    string        `json:"form_name"`
	FormVersion int           `json:"form_version"`
	GraderID    string        `json:"grader_id"`
	AgentID     string        `json:"agent_id"`   // the agent graded
	ServiceID   string        `json:"service_id"` // the chat's service
	Score       float64       `json:"score"`      // 0–100
	Answers     []GradeAnswer `json:"answers"`
	Comment     string        `json:"comment,omitempty"`
	CreatedAt   time.Time     `json:"created_at"`
}

// SurveySettings are a service's post-chat survey (CSAT): asked when an
// agent's part of a chat ends.
type SurveySettings struct {
	Enabled       bool          `json:"enabled"`
	Question      string        `json:"question,omitempty"`
	CommentPrompt string        `json:"comment_prompt,omitempty"` // empty: no comment asked
	Thanks        string        `json:"thanks,omitempty"`
	Timeout       time.Duration `json:"timeout,omitempty"` // unanswered this long, the survey ends
}

// Survey steps of a chat.
const (
	SurveyScore   = "score"   // the score question was asked
	SurveyComment = "comment" // the comment was asked
	SurveyDone    = "done"
	SurveyExpired = "expired" // not answered in time
	SurveySkipped = "skipped" // the customer wrote about something else instead
)

// ChatSurvey is a chat's post-chat survey and its answers.
type ChatSurvey struct {
	ChatID     string    `json:"chat_id"`
	TenantID   string    `json:"-"`
	ServiceID  string    `json:"service_id"`
	AgentID    string    `json:"agent_id"`
	Step       string    `json:"step"`
	Score      int       `json:"score,omitempty"` // 1–5, 0 before answered
	Comment    string    `json:"comment,omitempty"`
	AskedAt    time.Time `json:"asked_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
}

// QualityStore keeps supervision records, the transcripts index,
// evaluation forms and grades, and post-chat surveys.
type QualityStore interface {
	AddSupervision(ctx context.Context, a *SupervisionAction) error // sets ID
	Supervisions(ctx context.Context, tenantID, chatID string) ([]*SupervisionAction, error)
	// BargeIn adds a supervisor to an assigned chat as a conference
	// participant; ECONFLICT if it is not with an agent or she is in it.
	BargeIn(ctx context.Context, chatID, userID string, at time.Time) error
	SearchTranscripts(ctx context.Context, q TranscriptQuery) ([]*TranscriptHit, error)
	// UpsertEvaluationForm stores the form by TenantID+Name; a changed
	// form gets the next version. It sets ID, Version and UpdatedAt.
	UpsertEvaluationForm(ctx context.Context, f *EvaluationForm) error
	EvaluationForms(ctx context.Context, tenantID string) ([]*EvaluationForm, error)
	EvaluationForm(ctx context.Context, tenantID, id string) (*EvaluationForm, error)
	AddGrade(ctx context.Context, g *Grade) error // sets ID, CreatedAt
	Grades(ctx context.Context, tenantID, chatID string) ([]*Grade, error)
	// GradesBetween lists the tenant's grades made in [from, to), oldest
	// first: the quality report's rows.
	GradesBetween(ctx context.Context, tenantID string, from, to time.Time) ([]*Grade, error)
	SetServiceSurvey(ctx context.Context, serviceID string, s SurveySettings) error
	ServiceSurveys(ctx context.Context, tenantID string) (map[string]SurveySettings, error)
	// StartSurvey records a chat's survey; ECONFLICT if it has one.
	StartSurvey(ctx context.Context, s *ChatSurvey) error
	ChatSurvey(ctx context.Context, chatID string) (*ChatSurvey, error)
	SaveSurvey(ctx context.Context, s *ChatSurvey) error
	// DueSurveys lists chats whose survey is unanswered past ExpiresAt.
	DueSurveys(ctx context.Context, now time.Time, limit int) ([]string, error)
}
