package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/parleycc/parley"
)

// Supervision records, evaluation forms and grades, and post-chat
// surveys (issue 11; migration 0014).

// AddSupervision records a supervisor's monitor, whisper or barge.
func (s *Store) AddSupervision(ctx context.Context, a *parley.SupervisionAction) error {
	if a.At.IsZero() {
		a.At = s.now()
	}
	a.At = normTime(a.At)
	err := s.r().queryRow(ctx, `INSERT INTO supervision_log (tenant_id, chat_id, user_id, action, at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, a.TenantID, a.ChatID, a.UserID, a.Action, dbTime(a.At)).Scan(&a.ID)
	return wrap("add supervision", err)
}

// Supervisions lists a chat's supervision actions, oldest first.
func (s *Store) Supervisions(ctx context.Context, tenantID, chatID string) ([]*parley.SupervisionAction, error) {
	rows, err := s.r().query(ctx, `SELECT id, tenant_id, chat_id, user_id, action, at FROM supervision_log
		WHERE tenant_id = ? AND chat_id = ? ORDER BY id`, tenantID, chatID)
	if err != nil {
		return nil, wrap("supervisions", err)
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.SupervisionAction, error) {
		a := &parley.SupervisionAction{}
		return a, sc.Scan(&a.ID, &a.TenantID, &a.ChatID, &a.UserID, &a.Action, scanTime(&a.At))
	})
	return out, wrap("supervisions", err)
}

const formCols = `id, tenant_id, name, service_id, sections, version, updated_at`

func scanForm(sc interface{ Scan(...any) error }) (*parley.EvaluationForm, error) {
	f := &parley.EvaluationForm{}
	var sections string
	if err := sc.Scan(&f.ID, &f.TenantID, &f.Name, &f.ServiceID, &sections, &f.Version, scanTime(&f.UpdatedAt)); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(sections), &f.Sections); err != nil {
		return nil, fmt.Errorf("form %s: %w", f.ID, err)
	}
	return f, nil
}

// UpsertEvaluationForm stores the form by tenant and name; a form whose
// service or sections changed gets the next version.
func (s *Store) UpsertEvaluationForm(ctx context.Context, f *parley.EvaluationForm) error {
	if err := f.Validate(); err != nil {
		return err
	}
	body, err := json.Marshal(f.Sections)
	if err != nil {
		return wrap("upsert evaluation form", err)
	}
	now := s.now()
	err = s.inTx(ctx, func(r runner) error {
		old, err := scanForm(r.queryRow(ctx, "SELECT "+formCols+" FROM evaluation_forms WHERE tenant_id = ? AND name = ?"+s.d.forUpdate(),
			f.TenantID, f.Name))
		if errors.Is(err, sql.ErrNoRows) {
			id, err := newID()
			if err != nil {
				return err
			}
			f.ID, f.Version, f.UpdatedAt = id, 1, now
			_, err = r.exec(ctx, "INSERT INTO evaluation_forms ("+formCols+") VALUES (?, ?, ?, ?, ?, ?, ?)",
				f.ID, f.TenantID, f.Name, f.ServiceID, string(body), f.Version, dbTime(now))
			return err
		} else if err != nil {
			return err
		}
		f.ID, f.Version, f.UpdatedAt = old.ID, old.Version, old.UpdatedAt
		if old.ServiceID == f.ServiceID && reflect.DeepEqual(old.Sections, f.Sections) {
			return nil
		}
		f.Version, f.UpdatedAt = old.Version+1, now
		_, err = r.exec(ctx, "UPDATE evaluation_forms SET service_id = ?, sections = ?, version = ?, updated_at = ? WHERE id = ?",
			f.ServiceID, string(body), f.Version, dbTime(now), f.ID)
		return err
	})
	return wrap("upsert evaluation form", err)
}

// EvaluationForms lists the tenant's forms by name.
func (s *Store) EvaluationForms(ctx context.Context, tenantID string) ([]*parley.EvaluationForm, error) {
	rows, err := s.r().query(ctx, "SELECT "+formCols+" FROM evaluation_forms WHERE tenant_id = ? ORDER BY name", tenantID)
	if err != nil {
		return nil, wrap("evaluation forms", err)
	}
	out, err := collect(rows, scanForm)
	return out, wrap("evaluation forms", err)
}

// EvaluationForm returns one of the tenant's forms by id.
func (s *Store) EvaluationForm(ctx context.Context, tenantID, id string) (*parley.EvaluationForm, error) {
	f, err := scanForm(s.r().queryRow(ctx, "SELECT "+formCols+" FROM evaluation_forms WHERE tenant_id = ? AND id = ?", tenantID, id))
	return f, wrap("evaluation form", notFound(err, "evaluation form", id))
}

const gradeCols = `id, tenant_id, chat_id, form_id, form_name, form_version, grader_id, agent_id, service_id, score, answers, comment, created_at`

func scanGrade(sc interface{ Scan(...any) error }) (*parley.Grade, error) {
	g := &parley.Grade{}
	var answers string
	if err := sc.Scan(&g.ID, &g.TenantID, &g.ChatID, &g.FormID, &g.FormName, &g.FormVersion, &g.GraderID, &g.AgentID,
		&g.ServiceID, &g.Score, &answers, &g.Comment, scanTime(&g.CreatedAt)); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(answers), &g.Answers); err != nil {
		return nil, fmt.Errorf("grade %s: %w", g.ID, err)
	}
	return g, nil
}

// AddGrade stores a grade.
func (s *Store) AddGrade(ctx context.Context, g *parley.Grade) error {
	id, err := newID()
	if err != nil {
		return wrap("add grade", err)
	}
	answers, err := json.Marshal(g.Answers)
	if err != nil {
		return wrap("add grade", err)
	}
	if g.CreatedAt.IsZero() {
		g.CreatedAt = s.now()
	}
	g.ID, g.CreatedAt = id, normTime(g.CreatedAt)
	_, err = s.r().exec(ctx, "INSERT INTO chat_grades ("+gradeCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		g.ID, g.TenantID, g.ChatID, g.FormID, g.FormName, g.FormVersion, g.GraderID, g.AgentID, g.ServiceID,
		g.Score, string(answers), g.Comment, dbTime(g.CreatedAt))
	return wrap("add grade", err)
}

// Grades lists a chat's grades, oldest first.
func (s *Store) Grades(ctx context.Context, tenantID, chatID string) ([]*parley.Grade, error) {
	rows, err := s.r().query(ctx, "SELECT "+gradeCols+" FROM chat_grades WHERE tenant_id = ? AND chat_id = ? ORDER BY created_at, id",
		tenantID, chatID)
	if err != nil {
		return nil, wrap("grades", err)
	}
	out, err := collect(rows, scanGrade)
	return out, wrap("grades", err)
}

// GradesBetween lists the tenant's grades made in [from, to), oldest first.
func (s *Store) GradesBetween(ctx context.Context, tenantID string, from, to time.Time) ([]*parley.Grade, error) {
	rows, err := s.r().query(ctx, "SELECT "+gradeCols+` FROM chat_grades WHERE tenant_id = ? AND created_at >= ? AND created_at < ?
		ORDER BY created_at, id`, tenantID, dbTime(from), dbTime(to))
	if err != nil {
		return nil, wrap("grades between", err)
	}
	out, err := collect(rows, scanGrade)
	return out, wrap("grades between", err)
}

// SetServiceSurvey stores a service's survey settings.
func (s *Store) SetServiceSurvey(ctx context.Context, serviceID string, set parley.SurveySettings) error {
	b, err := json.Marshal(set)
	if err != nil {
		return wrap("set service survey", err)
	}
	err = s.inTx(ctx, func(r runner) error {
		var tenant string
		if err := r.queryRow(ctx, "SELECT tenant_id FROM services WHERE id = ?", serviceID).Scan(&tenant); err != nil {
			return notFound(err, "service", serviceID)
		}
		_, err := r.exec(ctx, `INSERT INTO service_surveys (service_id, tenant_id, settings) VALUES (?, ?, ?)
			ON CONFLICT (service_id) DO UPDATE SET settings = excluded.settings`, serviceID, tenant, string(b))
		return err
	})
	return wrap("set service survey", err)
}

// ServiceSurveys returns the survey settings of the tenant's services by
// service id; services never given any are absent.
func (s *Store) ServiceSurveys(ctx context.Context, tenantID string) (map[string]parley.SurveySettings, error) {
	rows, err := s.r().query(ctx, "SELECT service_id, settings FROM service_surveys WHERE tenant_id = ?", tenantID)
	if err != nil {
		return nil, wrap("service surveys", err)
	}
	defer rows.Close()
	out := map[string]parley.SurveySettings{}
	for rows.Next() {
		var id, settings string
		if err := rows.Scan(&id, &settings); err != nil {
			return nil, wrap("service surveys", err)
		}
		var set parley.SurveySettings
		if err := json.Unmarshal([]byte(settings), &set); err != nil {
			return nil, wrap("service surveys", fmt.Errorf("service %s: %w", id, err))
		}
		out[id] = set
	}
	return out, wrap("service surveys", rows.Err())
}

const surveyCols = `chat_id, tenant_id, service_id, agent_id, step, score, comment, asked_at, expires_at, answered_at`

// StartSurvey records a chat's survey; ECONFLICT if the chat has one.
func (s *Store) StartSurvey(ctx context.Context, cs *parley.ChatSurvey) error {
	cs.AskedAt, cs.ExpiresAt = normTime(cs.AskedAt), normTime(cs.ExpiresAt)
	_, err := s.r().exec(ctx, "INSERT INTO chat_surveys ("+surveyCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		cs.ChatID, cs.TenantID, cs.ServiceID, cs.AgentID, cs.Step, cs.Score, cs.Comment,
		dbTime(cs.AskedAt), dbTime(cs.ExpiresAt), dbTime(cs.AnsweredAt))
	if isUniqueViolation(err) {
		return parley.Errorf(parley.ECONFLICT, "chat %s already has a survey", cs.ChatID)
	}
	return wrap("start survey", err)
}

// ChatSurvey returns a chat's survey; ENOTFOUND if it has none.
func (s *Store) ChatSurvey(ctx context.Context, chatID string) (*parley.ChatSurvey, error) {
	cs := &parley.ChatSurvey{}
	err := s.r().queryRow(ctx, "SELECT "+surveyCols+" FROM chat_surveys WHERE chat_id = ?", chatID).Scan(
		&cs.ChatID, &cs.TenantID, &cs.ServiceID, &cs.AgentID, &cs.Step, &cs.Score, &cs.Comment,
		scanTime(&cs.AskedAt), scanTime(&cs.ExpiresAt), scanTime(&cs.AnsweredAt))
	if err != nil {
		return nil, wrap("chat survey", notFound(err, "survey of chat", chatID))
	}
	return cs, nil
}

// SaveSurvey updates a chat's survey step and answers.
func (s *Store) SaveSurvey(ctx context.Context, cs *parley.ChatSurvey) error {
	cs.AnsweredAt, cs.ExpiresAt = normTime(cs.AnsweredAt), normTime(cs.ExpiresAt)
	ok, err := s.r().execOne(ctx, `UPDATE chat_surveys SET step = ?, score = ?, comment = ?, expires_at = ?, answered_at = ?
		WHERE chat_id = ?`, cs.Step, cs.Score, cs.Comment, dbTime(cs.ExpiresAt), dbTime(cs.AnsweredAt), cs.ChatID)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "survey of chat %s not found", cs.ChatID)
	}
	return wrap("save survey", err)
}

// DueSurveys lists chats whose survey is still waiting for an answer past
// its expiry.
func (s *Store) DueSurveys(ctx context.Context, now time.Time, limit int) ([]string, error) {
	rows, err := s.r().query(ctx, `SELECT chat_id FROM chat_surveys WHERE step IN (?, ?) AND expires_at <= ?
		ORDER BY expires_at LIMIT ?`, parley.SurveyScore, parley.SurveyComment, dbTime(now), limit)
	if err != nil {
		return nil, wrap("due surveys", err)
	}
	out, err := collect(rows, scanOne[string])
	return out, wrap("due surveys", err)
}

// BargeIn adds a supervisor to an assigned chat as a conference
// participant, whatever her state and load (she is not routed chats);
// ECONFLICT if the chat is not with an agent or she is already in it.
func (s *Store) BargeIn(ctx context.Context, chatID, userID string, at time.Time) error {
	err := s.inTx(ctx, func(r runner) error {
		state, owner, err := s.lockChat(ctx, r, chatID)
		if err != nil {
			return err
		}
		if state != parley.ChatAssigned || owner == userID {
			return parley.Errorf(parley.ECONFLICT, "the chat is not with an agent")
		}
		_, err = r.exec(ctx, `INSERT INTO chat_participants (chat_id, agent_id, tenant_id, joined_at)
			SELECT id, ?, tenant_id, ? FROM chats WHERE id = ?`, userID, dbTime(normTime(at)), chatID)
		if isUniqueViolation(err) {
			return parley.Errorf(parley.ECONFLICT, "you are already in the conversation")
		}
		return err
	})
	return wrap("barge in", err)
}
