package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// transcriptFixture is a tenant with chats on two channels and services,
// with customers, agents, messages and a disposition.
type transcriptFixture struct {
	support, billing *parley.Service
	alice, bob       *parley.User
	chats            map[string]*parley.Chat // by label
}

func seedTranscripts(t *testing.T, s *sqlstore.Store) *transcriptFixture {
	t.Helper()
	f := &transcriptFixture{chats: map[string]*parley.Chat{}}
	f.support = &parley.Service{TenantID: "t1", Name: "Support"}
	f.billing = &parley.Service{TenantID: "t1", Name: "Billing"}
	must(t, s.UpsertService(ctx, f.support))
	must(t, s.UpsertService(ctx, f.billing))
	f.alice = newAgent(t, s, "t1", "alice")
	f.bob = newAgent(t, s, "t1", "bob")
	fb := &parley.Account{TenantID: "t1", Name: "page", Type: "facebook", PageID: "p1", AccessToken: "x", AppSecret: "y", VerifyToken: "z", Active: true}
	tg := &parley.Account{TenantID: "t1", Name: "bot", Type: "telegram", PageID: "b1", AccessToken: "x", Active: true}
	must(t, s.UpsertAccount(ctx, fb))
	must(t, s.UpsertAccount(ctx, tg))
	type spec struct {
		label, acct, customer, svc string
		agent                      *parley.User
		sec                        int
		texts                      []string
		closed                     bool
	}
	for _, sp := range []spec{
		{"refund", fb.ID, "Maria Lopez", f.billing.ID, f.alice, 0, []string{"I want a refund for my order", "Refunds take five days"}, true},
		{"password", tg.ID, "John Smith", f.support.ID, f.bob, 3600, []string{"I forgot my password", "Use the reset link"}, true},
		{"open", fb.ID, "Maria Lopez", f.support.ID, f.alice, 7200, []string{"Where is my parcel?"}, false},
		{"other-tenant", fb.ID, "Eve", f.support.ID, nil, 100, []string{"refund please"}, false},
	} {
		cust, _, err := s.EnsureCustomer(ctx, &parley.Customer{TenantID: "t1", AccountID: sp.acct, ExternalID: sp.label,
			FirstName: sp.customer, CreatedAt: at(sp.sec)})
		must(t, err)
		tenant := "t1"
		if sp.label == "other-tenant" {
			tenant = "t2"
		}
		c := &parley.Chat{TenantID: tenant, AccountID: sp.acct, CustomerID: cust.ID, ServiceID: sp.svc, CreatedAt: at(sp.sec)}
		must(t, s.CreateChat(ctx, c))
		for i, text := range sp.texts {
			m := &parley.Message{ChatID: c.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer, Kind: parley.KindText, Text: text}
			if i%2 == 1 {
				m.Direction, m.Sender, m.AgentID, m.Status = parley.Outbound, parley.SenderAgent, sp.agent.ID, parley.MsgSent
			}
			must(t, s.AddMessage(ctx, m))
		}
		if sp.closed {
			must(t, s.CloseChat(ctx, c.ID, at(sp.sec+60)))
		}
		f.chats[sp.label] = c
	}
	must(t, s.AddMessage(ctx, &parley.Message{ChatID: f.chats["open"].ID, Direction: parley.Inbound, Sender: parley.SenderSystem,
		Kind: parley.KindEvent, Text: "Alice joined"}))
	must(t, s.FactLog(metrics.DefaultConfig()).AddFacts(ctx, []parley.Fact{{TenantID: "t1", ChatID: f.chats["refund"].ID,
		ServiceID: f.billing.ID, AgentID: f.alice.ID, Kind: parley.FactDispositionSet, Disposition: "refund issued", At: at(50)}}))
	return f
}

func TestSearchTranscripts(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		f := seedTranscripts(t, s)
		yes, no := true, false
		cases := []struct {
			name string
			q    parley.TranscriptQuery
			want []string
		}{
			{"all, newest first", parley.TranscriptQuery{}, []string{"open", "password", "refund"}},
			{"date range", parley.TranscriptQuery{From: at(1), To: at(7200)}, []string{"password"}},
			{"service", parley.TranscriptQuery{ServiceID: f.support.ID}, []string{"open", "password"}},
			{"scope", parley.TranscriptQuery{Services: []string{f.billing.ID}}, []string{"refund"}},
			{"empty scope", parley.TranscriptQuery{Services: []string{}}, nil},
			{"agent who wrote", parley.TranscriptQuery{AgentID: f.bob.ID}, []string{"password"}},
			{"customer name", parley.TranscriptQuery{Customer: "maria"}, []string{"open", "refund"}},
			{"like wildcards are literal", parley.TranscriptQuery{Customer: "%"}, nil},
			{"channel", parley.TranscriptQuery{Channel: "telegram"}, []string{"password"}},
			{"disposition", parley.TranscriptQuery{Disposition: "refund issued"}, []string{"refund"}},
			{"open", parley.TranscriptQuery{Open: &yes}, []string{"open"}},
			{"closed", parley.TranscriptQuery{Open: &no}, []string{"password", "refund"}},
			{"full text", parley.TranscriptQuery{Words: parley.SearchWords("REFUND")}, []string{"refund"}},
			{"prefix", parley.TranscriptQuery{Words: parley.SearchWords("passw")}, []string{"password"}},
			{"every word, in any message", parley.TranscriptQuery{Words: parley.SearchWords("refund, days!")}, []string{"refund"}},
			{"a word nowhere", parley.TranscriptQuery{Words: parley.SearchWords("refund parcel")}, nil},
			{"system notes count too", parley.TranscriptQuery{Words: []string{"joined"}}, []string{"open"}},
			{"query syntax is text", parley.TranscriptQuery{Words: parley.SearchWords(`"my"* (`)}, []string{"open", "password", "refund"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.q.TenantID = "t1"
				hits, err := s.SearchTranscripts(ctx, tc.q)
				must(t, err)
				if got := f.labels(hits); !slices.Equal(got, tc.want) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			})
		}
		// A hit's details, and paging by cursor.
		hits, err := s.SearchTranscripts(ctx, parley.TranscriptQuery{TenantID: "t1", Limit: 2})
		must(t, err)
		if len(hits) != 2 || hits[1].CustomerName != "John Smith" || hits[1].Channel != "telegram" || hits[1].ServiceName != "Support" ||
			hits[1].AgentName != "bob" || hits[1].Messages != 2 || hits[1].Chat.State != parley.ChatClosed {
			t.Fatalf("page 1: %+v", hits[1])
		}
		last := hits[1].Chat
		next, err := s.SearchTranscripts(ctx, parley.TranscriptQuery{TenantID: "t1", Limit: 2, AfterTime: last.CreatedAt, AfterID: last.ID})
		must(t, err)
		if got := f.labels(next); !slices.Equal(got, []string{"refund"}) {
			t.Fatalf("page 2: %v", got)
		}
	})
}

func (f *transcriptFixture) labels(hits []*parley.TranscriptHit) []string {
	var out []string
	for _, h := range hits {
		for label, c := range f.chats {
			if c.ID == h.Chat.ID {
				out = append(out, label)
			}
		}
	}
	return out
}

func testForm(name string) *parley.EvaluationForm {
	return &parley.EvaluationForm{TenantID: "t1", Name: name, Sections: []parley.FormSection{{Title: "Greeting", Questions: []parley.FormQuestion{
		{ID: "greet", Text: "Greeted the customer?", Scale: parley.ScaleYesNo, Weight: 1},
		{ID: "tone", Text: "Tone", Scale: parley.Scale1To5, Weight: 3},
	}}}}
}

func TestEvaluationFormsAndGrades(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		f := testForm("Support quality")
		must(t, s.UpsertEvaluationForm(ctx, f))
		if f.ID == "" || f.Version != 1 {
			t.Fatalf("created %+v", f)
		}
		same := testForm("Support quality")
		must(t, s.UpsertEvaluationForm(ctx, same))
		if same.ID != f.ID || same.Version != 1 {
			t.Fatalf("unchanged form got version %d", same.Version)
		}
		changed := testForm("Support quality")
		changed.Sections[0].Questions[1].Weight = 2
		must(t, s.UpsertEvaluationForm(ctx, changed))
		if changed.Version != 2 {
			t.Fatalf("changed form: version %d", changed.Version)
		}
		bad := testForm("Bad")
		bad.Sections[0].Questions[0].Scale = "1-10"
		wantCode(t, s.UpsertEvaluationForm(ctx, bad), parley.EINVALID)
		got, err := s.EvaluationForm(ctx, "t1", f.ID)
		must(t, err)
		if got.Sections[0].Questions[1].Weight != 2 {
			t.Fatalf("read %+v", got)
		}
		_, err = s.EvaluationForm(ctx, "t2", f.ID)
		wantCode(t, err, parley.ENOTFOUND)

		g := &parley.Grade{TenantID: "t1", ChatID: "c1", FormID: f.ID, FormName: f.Name, FormVersion: 2, GraderID: "sam",
			AgentID: "alice", ServiceID: "svc", Score: 87.5, Answers: []parley.GradeAnswer{{QuestionID: "greet", Value: 1, Comment: "warm"}},
			Comment: "Good", CreatedAt: at(10)}
		must(t, s.AddGrade(ctx, g))
		gs, err := s.Grades(ctx, "t1", "c1")
		must(t, err)
		if len(gs) != 1 || gs[0].Score != 87.5 || gs[0].Answers[0].Comment != "warm" || gs[0].AgentID != "alice" {
			t.Fatalf("grades %+v", gs)
		}
		between, err := s.GradesBetween(ctx, "t1", at(0), at(11))
		must(t, err)
		empty, err := s.GradesBetween(ctx, "t1", at(11), at(20))
		must(t, err)
		if len(between) != 1 || len(empty) != 0 {
			t.Fatalf("between: %d, %d", len(between), len(empty))
		}
	})
}

func TestSurveys(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		svc := &parley.Service{TenantID: "t1", Name: "Support"}
		must(t, s.UpsertService(ctx, svc))
		set := parley.SurveySettings{Enabled: true, Question: "How did we do?", Timeout: 10 * time.Minute}
		must(t, s.SetServiceSurvey(ctx, svc.ID, set))
		wantCode(t, s.SetServiceSurvey(ctx, "nope", set), parley.ENOTFOUND)
		all, err := s.ServiceSurveys(ctx, "t1")
		must(t, err)
		if all[svc.ID] != set {
			t.Fatalf("settings %+v", all)
		}
		cs := &parley.ChatSurvey{ChatID: "c1", TenantID: "t1", ServiceID: svc.ID, AgentID: "a1", Step: parley.SurveyScore,
			AskedAt: at(0), ExpiresAt: at(600)}
		must(t, s.StartSurvey(ctx, cs))
		wantCode(t, s.StartSurvey(ctx, cs), parley.ECONFLICT)
		due, err := s.DueSurveys(ctx, at(599), 10)
		must(t, err)
		if len(due) != 0 {
			t.Fatalf("due early: %v", due)
		}
		if due, _ = s.DueSurveys(ctx, at(600), 10); !slices.Equal(due, []string{"c1"}) {
			t.Fatalf("due: %v", due)
		}
		cs.Step, cs.Score, cs.AnsweredAt = parley.SurveyDone, 4, at(30)
		must(t, s.SaveSurvey(ctx, cs))
		got, err := s.ChatSurvey(ctx, "c1")
		must(t, err)
		if got.Step != parley.SurveyDone || got.Score != 4 || !got.AnsweredAt.Equal(at(30)) {
			t.Fatalf("survey %+v", got)
		}
		if due, _ = s.DueSurveys(ctx, at(900), 10); len(due) != 0 {
			t.Fatalf("done survey due: %v", due)
		}
		_, err = s.ChatSurvey(ctx, "c2")
		wantCode(t, err, parley.ENOTFOUND)
	})
}

func TestSupervisionLog(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		for i, a := range []string{parley.SuperviseMonitor, parley.SuperviseWhisper, parley.SuperviseBarge} {
			must(t, s.AddSupervision(ctx, &parley.SupervisionAction{TenantID: "t1", ChatID: "c1", UserID: "sam", Action: a, At: at(i)}))
		}
		got, err := s.Supervisions(ctx, "t1", "c1")
		must(t, err)
		if len(got) != 3 || got[2].Action != parley.SuperviseBarge || !got[1].At.Equal(at(1)) || got[0].UserID != "sam" {
			t.Fatalf("log %+v", got)
		}
	})
}
