package conversation

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Transcripts search and quality grading (issue 11).

// TranscriptSearch is a transcripts query as a supervisor writes it.
type TranscriptSearch struct {
	From, To    time.Time
	ServiceID   string
	AgentID     string
	Customer    string
	Channel     string
	Disposition string
	State       string // "open", "closed" or "" for both
	Text        string
	Cursor      string
	Limit       int
}

// TranscriptRow is one chat in a search's results.
type TranscriptRow struct {
	ID        string     `json:"id"`
	State     string     `json:"state"`
	Customer  string     `json:"customer"`
	Service   string     `json:"service"`
	Agent     string     `json:"agent"`
	Channel   string     `json:"channel"`
	Account   string     `json:"account"`
	Messages  int        `json:"messages"`
	CreatedAt time.Time  `json:"created_at"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
}

// TranscriptPage is a page of results; Next continues after it ("" at
// the end).
type TranscriptPage struct {
	Chats []TranscriptRow `json:"chats"`
	Next  string          `json:"next,omitempty"`
}

// SearchTranscripts finds the chats u may supervise by the search's
// filters and words, newest first, a page at a time.
func (s *Service) SearchTranscripts(ctx context.Context, u *parley.User, q TranscriptSearch) (*TranscriptPage, error) {
	if !supervisor(u) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only supervisors can search transcripts")
	}
	if q.Limit <= 0 {
		q.Limit = 25
	}
	if q.Limit > 100 {
		return nil, parley.Errorf(parley.EINVALID, "limit must be at most 100")
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return nil, parley.Errorf(parley.EINVALID, "to must be after from")
	}
	sq := parley.TranscriptQuery{TenantID: u.TenantID, From: q.From, To: q.To, Services: SupervisorScope(u), ServiceID: q.ServiceID,
		AgentID: q.AgentID, Customer: q.Customer, Channel: q.Channel, Disposition: q.Disposition,
		Words: parley.SearchWords(q.Text), Limit: q.Limit + 1}
	switch q.State {
	case "":
	case "open", "closed":
		open := q.State == "open"
		sq.Open = &open
	default:
		return nil, parley.Errorf(parley.EINVALID, "state must be open or closed")
	}
	if q.Cursor != "" {
		t, id, err := decodeCursor(q.Cursor)
		if err != nil {
			return nil, err
		}
		sq.AfterTime, sq.AfterID = t, id
	}
	hits, err := s.Store.SearchTranscripts(ctx, sq)
	if err != nil {
		return nil, err
	}
	page := &TranscriptPage{Chats: []TranscriptRow{}}
	for i, h := range hits {
		if i == q.Limit {
			last := hits[i-1].Chat
			page.Next = encodeCursor(last.CreatedAt, last.ID)
			break
		}
		c := h.Chat
		page.Chats = append(page.Chats, TranscriptRow{ID: c.ID, State: c.State, Customer: orDefault(h.CustomerName, "Customer"),
			Service: h.ServiceName, Agent: h.AgentName, Channel: h.Channel, Account: h.AccountName, Messages: h.Messages,
			CreatedAt: c.CreatedAt, ClosedAt: optTime(c.ClosedAt)})
	}
	return page, nil
}

func encodeCursor(t time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(t.UnixMicro(), 10) + ":" + id))
}

func decodeCursor(c string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	micros, id, ok := strings.Cut(string(b), ":")
	n, perr := strconv.ParseInt(micros, 10, 64)
	if err != nil || !ok || perr != nil || id == "" {
		return time.Time{}, "", parley.Errorf(parley.EINVALID, "cursor is not one a search returned")
	}
	return time.UnixMicro(n).UTC(), id, nil
}

// Transcript is a whole chat for reading, printing and export: its
// messages (whispers and notes included), grades, survey and the
// supervision actions taken on it.
type Transcript struct {
	Chat         *ChatView          `json:"chat"`
	Channel      string             `json:"channel"`
	Account      string             `json:"account"`
	Agent        string             `json:"agent,omitempty"`
	ClosedAt     *time.Time         `json:"closed_at,omitempty"`
	Messages     []*MessageView     `json:"messages"`
	Grades       []GradeView        `json:"grades"`
	Survey       *parley.ChatSurvey `json:"survey,omitempty"`
	Supervisions []SupervisionView  `json:"supervisions"`
}

// GradeView is a grade with the names a reader needs.
type GradeView struct {
	*parley.Grade
	Grader string `json:"grader"`
	Agent  string `json:"agent"`
}

// Transcript reads a chat u may supervise, open or closed.
func (s *Service) Transcript(ctx context.Context, u *parley.User, chatID string) (*Transcript, error) {
	chat, err := s.SupervisedChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	cv, err := s.ViewChat(ctx, chat)
	if err != nil {
		return nil, err
	}
	t := &Transcript{Chat: cv, ClosedAt: optTime(chat.ClosedAt)}
	if acct, err := s.Store.Account(ctx, chat.AccountID); err == nil {
		t.Channel, t.Account = acct.Type, acct.Name
	}
	msgs, err := s.Store.Messages(ctx, chat.ID, 0)
	if err != nil {
		return nil, fmt.Errorf("messages of chat %s: %w", chat.ID, err)
	}
	shown := make([]*parley.Message, 0, len(msgs))
	for _, m := range msgs {
		if m.Kind != parley.KindAction {
			shown = append(shown, m)
		}
	}
	t.Messages = s.ViewMessages(ctx, shown)
	if id := s.chatAgent(ctx, chat, msgs); id != "" {
		t.Agent = s.userName(ctx, id)
	}
	if t.Grades, err = s.gradeViews(ctx, chat); err != nil {
		return nil, err
	}
	if t.Survey, err = s.ChatSurvey(ctx, u, chat.ID); err != nil {
		return nil, err
	}
	if t.Supervisions, err = s.Supervisions(ctx, u, chat.ID); err != nil {
		return nil, err
	}
	return t, nil
}

// chatAgent is the agent a chat is with, else the one whose part the
// survey followed, else the last agent (not a supervisor who barged in)
// who wrote in it, else the one routing last gave it to.
func (s *Service) chatAgent(ctx context.Context, chat *parley.Chat, msgs []*parley.Message) string {
	if chat.AgentID != "" {
		return chat.AgentID
	}
	if cs, err := s.Store.ChatSurvey(ctx, chat.ID); err == nil && cs.AgentID != "" {
		return cs.AgentID
	}
	roles := map[string]string{}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Sender != parley.SenderAgent || m.AgentID == "" {
			continue
		}
		role, ok := roles[m.AgentID]
		if !ok {
			if u, err := s.Store.User(ctx, m.AgentID); err == nil {
				role = u.Role
			}
			roles[m.AgentID] = role
		}
		if role == parley.RoleAgent {
			return m.AgentID
		}
	}
	// An agent who never wrote: the one routing gave the chat to last.
	if cr, err := s.Store.ChatRouting(ctx, chat.ID); err == nil && cr.Decision != "" {
		var d struct {
			AgentID string `json:"agent_id"`
		}
		if json.Unmarshal([]byte(cr.Decision), &d) == nil {
			return d.AgentID
		}
	}
	return ""
}

func (s *Service) gradeViews(ctx context.Context, chat *parley.Chat) ([]GradeView, error) {
	gs, err := s.Store.Grades(ctx, chat.TenantID, chat.ID)
	if err != nil {
		return nil, err
	}
	out := make([]GradeView, 0, len(gs))
	for _, g := range gs {
		out = append(out, GradeView{Grade: g, Grader: s.userName(ctx, g.GraderID), Agent: s.userName(ctx, g.AgentID)})
	}
	return out, nil
}

// Grades lists a chat's grades.
func (s *Service) Grades(ctx context.Context, u *parley.User, chatID string) ([]GradeView, error) {
	chat, err := s.SupervisedChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	return s.gradeViews(ctx, chat)
}

// EvaluationForms lists the tenant's forms (supervisors).
func (s *Service) EvaluationForms(ctx context.Context, u *parley.User) ([]*parley.EvaluationForm, error) {
	if !supervisor(u) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "only supervisors can read evaluation forms")
	}
	return s.Store.EvaluationForms(ctx, u.TenantID)
}

// SaveEvaluationForm creates or changes a form by name (supervisors and
// admins); a changed form gets the next version, earlier grades keep theirs.
func (s *Service) SaveEvaluationForm(ctx context.Context, u *parley.User, f *parley.EvaluationForm) error {
	if !supervisor(u) {
		return parley.Errorf(parley.EFORBIDDEN, "only supervisors can edit evaluation forms")
	}
	f.TenantID = u.TenantID
	if f.ServiceID != "" {
		svc, err := s.Store.Service(ctx, f.ServiceID)
		if err != nil || svc.TenantID != u.TenantID {
			return parley.Errorf(parley.EINVALID, "service: not found")
		}
	}
	// A supervisor of some services writes only their forms, and does not
	// take over another service's form by giving hers its name.
	if scope := SupervisorScope(u); scope != nil {
		if !slices.Contains(scope, f.ServiceID) {
			return parley.Errorf(parley.EFORBIDDEN, "you may edit the forms of your services only: pick one of them")
		}
		forms, err := s.Store.EvaluationForms(ctx, u.TenantID)
		if err != nil {
			return err
		}
		for _, old := range forms {
			if old.Name == f.Name && !slices.Contains(scope, old.ServiceID) {
				return parley.Errorf(parley.EFORBIDDEN, "the form %q belongs to a service you do not supervise", f.Name)
			}
		}
	}
	return s.Store.UpsertEvaluationForm(ctx, f)
}

// GradeRequest is a supervisor's evaluation of a chat.
type GradeRequest struct {
	FormID  string               `json:"form_id"`
	Answers []parley.GradeAnswer `json:"answers"`
	Comment string               `json:"comment"`
}

// Grade scores a chat u may supervise with one of the tenant's forms (of
// the chat's service, or of none). The grade is kept with the chat and is
// a graded fact for the chat's agent and service.
func (s *Service) Grade(ctx context.Context, u *parley.User, chatID string, req GradeRequest) (*GradeView, error) {
	chat, err := s.SupervisedChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	form, err := s.Store.EvaluationForm(ctx, u.TenantID, req.FormID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, parley.Errorf(parley.EINVALID, "form_id: no such evaluation form")
	} else if err != nil {
		return nil, err
	}
	if form.ServiceID != "" && form.ServiceID != chat.ServiceID {
		return nil, parley.Errorf(parley.EINVALID, "form %q is for another service", form.Name)
	}
	req.Comment = strings.TrimSpace(req.Comment)
	if len([]rune(req.Comment)) > maxNoteRunes {
		return nil, parley.Errorf(parley.EINVALID, "comment is too long (at most %d characters)", maxNoteRunes)
	}
	for _, a := range req.Answers {
		if len([]rune(a.Comment)) > maxNoteRunes {
			return nil, parley.Errorf(parley.EINVALID, "question %q: comment is too long", a.QuestionID)
		}
	}
	score, err := form.Score(req.Answers)
	if err != nil {
		return nil, err
	}
	msgs, err := s.Store.Messages(ctx, chat.ID, 0)
	if err != nil {
		return nil, fmt.Errorf("messages of chat %s: %w", chat.ID, err)
	}
	agent := s.chatAgent(ctx, chat, msgs)
	if agent == "" {
		return nil, parley.Errorf(parley.ECONFLICT, "no agent took part in this chat: there is nobody to grade")
	}
	g := &parley.Grade{TenantID: u.TenantID, ChatID: chat.ID, FormID: form.ID, FormName: form.Name, FormVersion: form.Version,
		GraderID: u.ID, AgentID: agent, ServiceID: chat.ServiceID, Score: score, Answers: req.Answers, Comment: req.Comment,
		CreatedAt: s.Clock.Now()}
	if err := s.Store.AddGrade(ctx, g); err != nil {
		return nil, err
	}
	s.addFact(ctx, parley.Fact{TenantID: u.TenantID, ChatID: chat.ID, ServiceID: chat.ServiceID, AgentID: agent,
		Kind: parley.FactGraded, At: g.CreatedAt, Score: int(math.Round(score))})
	return &GradeView{Grade: g, Grader: u.DisplayName, Agent: s.userName(ctx, agent)}, nil
}
