package conversation

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// The post-chat survey (CSAT, issue 11). A service with a survey asks the
// customer, once the agent's part of a chat ends, for a score from 1 to 5
// (quick replies on Messenger; numbered choices on channels without
// them), then for an optional comment. The answers are kept with the chat
// (chat_surveys) and the score is a survey_answered fact for the chat's
// agent and service. Only then does the chat's scenario go on (its
// goodbye) or the chat close. A survey not answered within its timeout
// ends by itself.

// Survey defaults.
const (
	DefaultSurveyQuestion = "How satisfied are you with the help you got? 1 (not at all) to 5 (very)."
	DefaultSurveyThanks   = "Thank you for your feedback!"
	DefaultSurveyTimeout  = 10 * time.Minute
	maxSurveyComment      = 1000
)

// FactRecorder stores facts of chats' lives (sqlstore.FactLog): the
// reports' single source.
type FactRecorder interface {
	AddFacts(ctx context.Context, facts []parley.Fact) error
}

// addFact records a fact in Config.Facts, else in the store when it
// records facts itself; a failure is logged, never undoes what happened.
func (s *Service) addFact(ctx context.Context, f parley.Fact) {
	rec := s.Facts
	if rec == nil {
		rec, _ = s.Store.(FactRecorder)
	}
	if rec == nil {
		return
	}
	if err := rec.AddFacts(ctx, []parley.Fact{f}); err != nil {
		s.Logger.Error("record fact", slog.String("kind", f.Kind), slog.String("chat", f.ChatID), slog.Any("err", err))
	}
}

// afterAgentPart goes on once the agent's part of a held chat has ended:
// the survey if the chat's service asks one, else the scenario (or the
// chat closes). agentID is the agent whose part ended.
func (s *Service) afterAgentPart(ctx context.Context, chatID, agentID string) error {
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil {
		return err
	}
	if started, err := s.startSurvey(ctx, chat, agentID); err != nil || started {
		return err
	}
	return s.continueAfterAgent(ctx, chatID)
}

// continueAfterAgent signals the scenario that the chat ended, or closes
// the chat when its scenario is not waiting for that.
func (s *Service) continueAfterAgent(ctx context.Context, chatID string) error {
	chat, sc, err := s.chatScenario(ctx, chatID)
	if err != nil {
		return err
	}
	if chat.State == parley.ChatClosed {
		return nil
	}
	if sc == nil || chat.Scenario.Waiting != scenario.SigChatEnded {
		return runtime{s}.Close(ctx, chat)
	}
	return s.engine.Signal(ctx, chat, sc, scenario.Signal{Kind: scenario.SigChatEnded})
}

// startSurvey asks the chat's survey, if its service has one, the chat
// has none yet and the customer can be messaged now.
func (s *Service) startSurvey(ctx context.Context, chat *parley.Chat, agentID string) (bool, error) {
	if chat.ServiceID == "" {
		return false, nil
	}
	all, err := s.Store.ServiceSurveys(ctx, chat.TenantID)
	if err != nil {
		return false, err
	}
	set, ok := all[chat.ServiceID]
	if !ok || !set.Enabled {
		return false, nil
	}
	acct, cust, err := s.chatParties(ctx, chat)
	if err != nil {
		return false, err
	}
	ch, err := s.channel(acct.Type)
	if err != nil {
		return false, err
	}
	if r := ch.Reach(acct, cust, s.Clock.Now()); !acct.Active || r.State != parley.ReachOpen {
		return false, nil
	}
	now := s.Clock.Now()
	timeout := set.Timeout
	if timeout <= 0 {
		timeout = DefaultSurveyTimeout
	}
	cs := &parley.ChatSurvey{ChatID: chat.ID, TenantID: chat.TenantID, ServiceID: chat.ServiceID, AgentID: agentID,
		Step: parley.SurveyScore, AskedAt: now, ExpiresAt: now.Add(timeout)}
	if err := s.Store.StartSurvey(ctx, cs); parley.ErrorCode(err) == parley.ECONFLICT {
		return false, nil // asked once already (an earlier agent part)
	} else if err != nil {
		return false, err
	}
	return true, s.askScore(ctx, chat, orDefault(set.Question, DefaultSurveyQuestion))
}

// askScore sends the score question with its five quick replies.
func (s *Service) askScore(ctx context.Context, chat *parley.Chat, text string) error {
	m := scenario.OutMessage{Text: text}
	for i := 1; i <= 5; i++ {
		n := strconv.Itoa(i)
		m.QuickReplies = append(m.QuickReplies, scenario.QuickReply{Title: n, Payload: scenario.SurveyPayload + n})
	}
	return runtime{s}.SendMessage(ctx, chat, m)
}

// surveyAnswer takes a customer's message as the answer to the chat's
// survey when one is waiting; handled tells whether it was. The caller
// holds the chat.
func (s *Service) surveyAnswer(ctx context.Context, chat *parley.Chat, msg *parley.Message) (handled bool, err error) {
	if chat.State != parley.ChatBot {
		return false, nil
	}
	cs, err := s.Store.ChatSurvey(ctx, chat.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if cs.Step != parley.SurveyScore && cs.Step != parley.SurveyComment {
		return false, nil
	}
	all, err := s.Store.ServiceSurveys(ctx, chat.TenantID)
	if err != nil {
		return true, err
	}
	set := all[cs.ServiceID]
	now := s.Clock.Now()
	if cs.Step == parley.SurveyScore {
		score, ok := scenario.ParseScore(msg.Text, msg.Payload)
		if !ok {
			return true, s.askScore(ctx, chat, "Please answer with a number from 1 to 5.")
		}
		cs.Score, cs.AnsweredAt = score, now
		s.addFact(ctx, parley.Fact{TenantID: chat.TenantID, ChatID: chat.ID, ServiceID: cs.ServiceID, AgentID: cs.AgentID,
			Kind: parley.FactSurveyAnswered, At: now, Score: score})
		if set.CommentPrompt != "" {
			cs.Step = parley.SurveyComment
			if err := s.Store.SaveSurvey(ctx, cs); err != nil {
				return true, err
			}
			return true, runtime{s}.SendMessage(ctx, chat, scenario.OutMessage{Text: set.CommentPrompt,
				QuickReplies: []scenario.QuickReply{{Title: "No comment", Payload: scenario.SurveySkip}}})
		}
	} else if msg.Payload != scenario.SurveySkip {
		cs.Comment = truncateRunes(strings.TrimSpace(msg.Text), maxSurveyComment)
	}
	cs.Step = parley.SurveyDone
	if err := s.Store.SaveSurvey(ctx, cs); err != nil {
		return true, err
	}
	if err := (runtime{s}).Send(ctx, chat, orDefault(set.Thanks, DefaultSurveyThanks)); err != nil {
		return true, err
	}
	return true, s.continueAfterAgent(ctx, chat.ID)
}

// surveySetAside ends a survey waiting for its score when the customer
// writes about something else instead (a question, a sentence, a photo):
// they are not pressed for a number, the chat ends as after the survey,
// and the caller takes the message as the start of a new conversation. A
// short reply that is no score ("10", "great") still gets the question
// again. The caller holds the chat.
func (s *Service) surveySetAside(ctx context.Context, chat *parley.Chat, msg *parley.Message) (bool, error) {
	if chat.State != parley.ChatBot {
		return false, nil
	}
	cs, err := s.Store.ChatSurvey(ctx, chat.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if cs.Step != parley.SurveyScore {
		return false, nil
	}
	if _, ok := scenario.ParseScore(msg.Text, msg.Payload); ok || !newRequest(msg) {
		return false, nil
	}
	cs.Step = parley.SurveySkipped
	if err := s.Store.SaveSurvey(ctx, cs); err != nil {
		return false, err
	}
	return true, s.continueAfterAgent(ctx, chat.ID)
}

// newRequest tells a message that starts something new from an attempt
// at answering a question: anything but text and taps, a question, or a
// sentence of three words or more.
func newRequest(m *parley.Message) bool {
	switch m.Kind {
	case parley.KindText:
		t := strings.TrimSpace(m.Text)
		return strings.Contains(t, "?") || len(strings.Fields(t)) >= 3
	case parley.KindQuickReply, parley.KindPostback:
		return false
	default:
		return true
	}
}

// RecordSurveyScore keeps a score given to a scenario's survey block:
// the chat's survey (unless the service's survey already has one) and a
// survey_answered fact for the chat's last agent and its service.
func (r runtime) RecordSurveyScore(ctx context.Context, chat *parley.Chat, score int) error {
	s := r.s
	msgs, err := s.Store.Messages(ctx, chat.ID, 0)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	cs := &parley.ChatSurvey{ChatID: chat.ID, TenantID: chat.TenantID, ServiceID: chat.ServiceID, AgentID: s.chatAgent(ctx, chat, msgs),
		Step: parley.SurveyDone, Score: score, AskedAt: now, ExpiresAt: now, AnsweredAt: now}
	if err := s.Store.StartSurvey(ctx, cs); parley.ErrorCode(err) == parley.ECONFLICT {
		s.Logger.Warn("survey answered twice: the service's survey and a survey block; the first answer counts", slog.String("chat", chat.ID))
		return nil
	} else if err != nil {
		return err
	}
	s.addFact(ctx, parley.Fact{TenantID: chat.TenantID, ChatID: chat.ID, ServiceID: cs.ServiceID, AgentID: cs.AgentID,
		Kind: parley.FactSurveyAnswered, At: now, Score: score})
	return nil
}

// RecordSurveyComment adds the comment to the chat's survey.
func (r runtime) RecordSurveyComment(ctx context.Context, chat *parley.Chat, comment string) error {
	cs, err := r.s.Store.ChatSurvey(ctx, chat.ID)
	if err != nil || cs.Comment != "" {
		return err
	}
	cs.Comment = truncateRunes(comment, maxSurveyComment)
	return r.s.Store.SaveSurvey(ctx, cs)
}

var _ scenario.SurveyRecorder = runtime{}

// expireSurveys ends the surveys nobody answered in time: the chat then
// goes on as if it had been answered.
func (s *Service) expireSurveys(ctx context.Context) error {
	ids, err := s.Store.DueSurveys(ctx, s.Clock.Now(), 100)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.expireSurvey(ctx, id); err != nil {
			s.Logger.Error("expire survey", slog.String("chat", id), slog.Any("err", err))
		}
	}
	return nil
}

func (s *Service) expireSurvey(ctx context.Context, chatID string) error {
	unlock, err := s.lockChat(ctx, chatID)
	if err != nil {
		return err
	}
	defer unlock()
	cs, err := s.Store.ChatSurvey(ctx, chatID)
	if err != nil {
		return err
	}
	if (cs.Step != parley.SurveyScore && cs.Step != parley.SurveyComment) || s.Clock.Now().Before(cs.ExpiresAt) {
		return nil // answered meanwhile
	}
	if cs.Step == parley.SurveyScore {
		cs.Step = parley.SurveyExpired
	} else {
		cs.Step = parley.SurveyDone // scored, the comment was optional
	}
	if err := s.Store.SaveSurvey(ctx, cs); err != nil {
		return err
	}
	return s.continueAfterAgent(ctx, chatID)
}

// ChatSurvey returns a chat's survey for supervisors; nil if it has none.
func (s *Service) ChatSurvey(ctx context.Context, u *parley.User, chatID string) (*parley.ChatSurvey, error) {
	chat, err := s.SupervisedChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	cs, err := s.Store.ChatSurvey(ctx, chat.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil
	}
	return cs, err
}

func orDefault(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
