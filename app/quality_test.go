package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
	"github.com/parleycc/parley/channel/vonage/fakevonage"
)

// userID reads the id of a logged-in user.
func (a *agent) userID() string {
	var me struct {
		ID string `json:"id"`
	}
	a.do(http.MethodGet, "/api/me", nil, &me)
	return me.ID
}

// sentText waits until the fake Graph API received a message with text.
func (w *world) sentText(text string) fakegraph.SentCall {
	w.t.Helper()
	var got fakegraph.SentCall
	eventually(w.t, "Graph API to receive "+text, func() bool {
		for _, c := range w.graph.SentTo(psid) {
			if c.Text == text {
				got = c
				return true
			}
		}
		return false
	})
	return got
}

// closeChat ends alice's part of the chat.
func closeChat(t *testing.T, alice *agent, chatID string) {
	t.Helper()
	if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/close", nil, nil); code != http.StatusNoContent {
		t.Fatalf("close: HTTP %d", code)
	}
}

// surveyOf reads the chat's survey as a supervisor.
func surveyOf(sup *agent, chatID string) *parley.ChatSurvey {
	var sv struct {
		Survey *parley.ChatSurvey `json:"survey"`
	}
	sup.do(http.MethodGet, "/api/chats/"+chatID+"/survey", nil, &sv)
	return sv.Survey
}

// facts reads the chat's facts.
func (w *world) facts(chatID string) []parley.Fact {
	w.t.Helper()
	facts, err := w.app.Store.ChatFacts(context.Background(), parley.DefaultTenant, chatID)
	if err != nil {
		w.t.Fatal(err)
	}
	return facts
}

// TestSupervisionAndSurvey drives a whole chat on both databases: a
// supervisor monitors it, whispers to the agent (the fake Graph API never
// sees the whisper), barges in and writes to the customer; the agent
// closes; the customer answers the survey with a quick reply and a
// comment; the supervisor grades the transcript and finds it all in the
// transcript export; survey answer and grade are facts of the chat.
func TestSupervisionAndSurvey(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorldFrom(t, dsn(t), "testdata/quality.yaml", nil)
			w.customerSays("m-hi", "Hi, I need a refund")
			alice, chatID := connect(t, w)
			aliceID := alice.userID()
			sam := w.login("sam", "sam-pass")
			sue := w.login("sue", "sue-pass")

			// The floor a scoped supervisor sees is hers: Sue (Billing) sees
			// neither Support's queue, its chat nor its agents; Sam does.
			type floor struct {
				Queues []struct{ Name string }
				Chats  []struct{ ID string }
				Agents []struct{ Username string }
			}
			var sueFloor, samFloor floor
			sue.do(http.MethodGet, "/api/supervisor", nil, &sueFloor)
			sam.do(http.MethodGet, "/api/supervisor", nil, &samFloor)
			if len(sueFloor.Chats) != 0 || len(sueFloor.Queues) != 1 || sueFloor.Queues[0].Name != "Billing" ||
				slices.ContainsFunc(sueFloor.Agents, func(a struct{ Username string }) bool { return a.Username == "alice" }) {
				t.Errorf("Sue's floor = %+v, want Billing's only", sueFloor)
			}
			if len(samFloor.Chats) != 1 || samFloor.Chats[0].ID != chatID || len(samFloor.Queues) != 2 {
				t.Errorf("Sam's floor = %+v, want the Support chat and both queues", samFloor)
			}
			var sueList struct{ Chats []struct{ ID string } }
			sue.do(http.MethodGet, "/api/chats", nil, &sueList)
			if len(sueList.Chats) != 0 {
				t.Errorf("Sue's chat list = %+v, want none of Support's", sueList)
			}

			// Silent monitor: read-only view of the live chat.
			var mon struct {
				Chat struct {
					ID    string `json:"id"`
					State string `json:"state"`
				} `json:"chat"`
				Messages []richMessage `json:"messages"`
				Joined   bool          `json:"joined"`
			}
			if code := sam.do(http.MethodPost, "/api/chats/"+chatID+"/monitor", nil, &mon); code != http.StatusOK {
				t.Fatalf("monitor: HTTP %d", code)
			}
			if mon.Chat.State != "assigned" || mon.Joined || !slices.ContainsFunc(mon.Messages, func(m richMessage) bool { return m.Text == "Hi, I need a refund" }) {
				t.Fatalf("monitor view: %+v", mon)
			}
			// Scoped and unprivileged users are refused.
			for _, tc := range []struct {
				who  *agent
				path string
				want int
			}{
				{sue, "/monitor", http.StatusForbidden}, // Sue supervises Billing only
				{alice, "/monitor", http.StatusForbidden},
				{alice, "/whisper", http.StatusForbidden},
				{alice, "/barge", http.StatusForbidden},
			} {
				if code := tc.who.do(http.MethodPost, "/api/chats/"+chatID+tc.path, map[string]string{"text": "x"}, nil); code != tc.want {
					t.Errorf("%s: HTTP %d, want %d", tc.path, code, tc.want)
				}
			}
			if code := sam.do(http.MethodPost, "/api/chats/"+chatID+"/whisper", map[string]string{"text": "  "}, nil); code != http.StatusBadRequest {
				t.Errorf("empty whisper: HTTP %d", code)
			}

			// Whisper: the agent sees it, the customer never does. Alice's
			// reply after it reaching Graph proves the outbox passed it.
			const whisper = "Offer the refund, it is within 30 days"
			if code := sam.do(http.MethodPost, "/api/chats/"+chatID+"/whisper", map[string]string{"text": whisper}, nil); code != http.StatusCreated {
				t.Fatalf("whisper: HTTP %d", code)
			}
			wm := findKind(alice.rich(chatID), parley.KindWhisper)
			if wm == nil || wm.Text != whisper || wm.Sender != parley.SenderSupervisor {
				t.Fatalf("alice's transcript has no whisper: %+v", alice.rich(chatID))
			}
			if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "Sure, refunding now"}, nil); code != http.StatusCreated {
				t.Fatalf("reply: HTTP %d", code)
			}
			w.sentText("Sure, refunding now")

			// Barge: Sam joins and writes to the customer.
			if code := sam.do(http.MethodPost, "/api/chats/"+chatID+"/barge", nil, nil); code != http.StatusNoContent {
				t.Fatalf("barge: HTTP %d", code)
			}
			if code := sam.do(http.MethodPost, "/api/chats/"+chatID+"/barge", nil, nil); code != http.StatusConflict {
				t.Fatalf("second barge: HTTP %d, want 409", code)
			}
			if code := sam.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "Sam from the team here, all done."}, nil); code != http.StatusCreated {
				t.Fatalf("barged reply: HTTP %d", code)
			}
			w.sentText("Sam from the team here, all done.")
			for _, c := range w.graph.Sent() {
				if b, _ := json.Marshal(c.Body); strings.Contains(c.Text, "within 30 days") || strings.Contains(string(b), "within 30 days") {
					t.Fatalf("the whisper reached the Graph API: %+v", c)
				}
			}
			var log struct {
				Actions []struct{ Action, User string } `json:"actions"`
			}
			sam.do(http.MethodGet, "/api/chats/"+chatID+"/supervision", nil, &log)
			var acts []string
			for _, a := range log.Actions {
				if a.User != "Sam Super" {
					t.Errorf("action by %q", a.User)
				}
				acts = append(acts, a.Action)
			}
			if !slices.Equal(acts, []string{"monitor", "whisper", "barge"}) {
				t.Fatalf("supervision log = %v", acts)
			}

			// The agent closes: the survey is asked with quick replies 1–5.
			closeChat(t, alice, chatID)
			q := w.sentText("How did we do? 1 (poor) to 5 (great)")
			var payloads []string
			for _, r := range q.QuickReplies {
				payloads = append(payloads, r.Title+"="+r.Payload)
			}
			if joined(payloads) != "1=CSAT_1 | 2=CSAT_2 | 3=CSAT_3 | 4=CSAT_4 | 5=CSAT_5" {
				t.Fatalf("survey quick replies: %v", payloads)
			}
			c := fakegraph.Customer{PageID: pageID, PSID: psid}
			w.send(c.QuickReply("m-score", "4", "CSAT_4", time.Now()))
			w.sentText("Anything you would like to add?")
			w.customerSays("m-comment", "Quick and friendly")
			w.sentText("Thanks for your feedback!")
			w.sentText("Goodbye Jane.")
			var survey *parley.ChatSurvey
			eventually(t, "the survey to be done", func() bool {
				survey = surveyOf(sam, chatID)
				return survey != nil && survey.Step == parley.SurveyDone
			})
			if s := survey; s.Score != 4 || s.Comment != "Quick and friendly" || s.AgentID != aliceID {
				t.Fatalf("survey = %+v", s)
			}

			// Grade the transcript with the service's form.
			var forms struct {
				Forms []struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"forms"`
			}
			sam.do(http.MethodGet, "/api/quality/forms", nil, &forms)
			if len(forms.Forms) != 1 {
				t.Fatalf("forms = %+v", forms)
			}
			bad := map[string]any{"form_id": forms.Forms[0].ID, "answers": []map[string]any{{"question_id": "greet", "value": 1}}}
			if code := sam.do(http.MethodPost, "/api/chats/"+chatID+"/grades", bad, nil); code != http.StatusBadRequest {
				t.Fatalf("grade with a question unanswered: HTTP %d", code)
			}
			var grade struct {
				Score float64 `json:"score"`
				Agent string  `json:"agent"`
			}
			req := map[string]any{"form_id": forms.Forms[0].ID, "comment": "Good save by the supervisor",
				"answers": []map[string]any{{"question_id": "greet", "value": 0, "comment": "no name"}, {"question_id": "solved", "value": 5}}}
			if code := sam.do(http.MethodPost, "/api/chats/"+chatID+"/grades", req, &grade); code != http.StatusCreated {
				t.Fatalf("grade: HTTP %d", code)
			}
			if grade.Score != 75 || grade.Agent != "Alice Martin" { // (0×1 + 1×3) / 4
				t.Fatalf("grade = %+v", grade)
			}

			// The export holds it all; the search finds the chat by its words.
			var tr struct {
				Messages []richMessage `json:"messages"`
				Grades   []struct {
					Score   float64 `json:"score"`
					Comment string  `json:"comment"`
				} `json:"grades"`
				Survey       *parley.ChatSurvey `json:"survey"`
				Supervisions []any              `json:"supervisions"`
			}
			if code := sam.do(http.MethodGet, "/api/transcripts/"+chatID, nil, &tr); code != http.StatusOK {
				t.Fatalf("export: HTTP %d", code)
			}
			if findKind(tr.Messages, parley.KindWhisper) == nil || len(tr.Grades) != 1 || tr.Grades[0].Comment != "Good save by the supervisor" ||
				tr.Survey == nil || tr.Survey.Score != 4 || len(tr.Supervisions) != 3 {
				t.Fatalf("export = %+v", tr)
			}
			var page struct {
				Chats []struct{ ID, State, Agent string } `json:"chats"`
			}
			sam.do(http.MethodGet, "/api/transcripts?q="+url.QueryEscape("refunding")+"&state=closed", nil, &page)
			if len(page.Chats) != 1 || page.Chats[0].ID != chatID || page.Chats[0].Agent != "Alice Martin" {
				t.Fatalf("search = %+v", page)
			}
			sue.do(http.MethodGet, "/api/transcripts", nil, &page)
			if len(page.Chats) != 0 {
				t.Fatalf("Sue (Billing) finds Support chats: %+v", page)
			}

			// Survey answer and grade are facts for the reports.
			facts := w.facts(chatID)
			var got []string
			for _, f := range facts {
				if f.Kind == parley.FactSurveyAnswered || f.Kind == parley.FactGraded {
					got = append(got, f.Kind)
					if f.AgentID != aliceID || f.ServiceID == "" {
						t.Errorf("fact %v: want alice and the service", f)
					}
				}
			}
			if !slices.Equal(got, []string{parley.FactSurveyAnswered, parley.FactGraded}) {
				t.Fatalf("facts = %v", facts)
			}
			// The grade is in today's report of quality evaluations.
			var quality struct{ Rows [][]string }
			if code := sam.do(http.MethodGet, "/api/reports/quality", nil, &quality); code != http.StatusOK {
				t.Fatalf("quality report: HTTP %d", code)
			}
			if want := []string{"Support", "Alice Martin", "1", "75.0", "75", "75"}; len(quality.Rows) != 1 || !slices.Equal(quality.Rows[0], want) {
				t.Fatalf("quality report rows = %v, want [%v]", quality.Rows, want)
			}
		})
	}
}

// TestSurveyBlock asks the survey from the scenario (a survey block after
// connect_chat) on both databases; the customer types the number and a
// comment. The answer is the chat's survey and a fact, like the service's.
func TestSurveyBlock(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorldFrom(t, dsn(t), "testdata/quality_block.yaml", nil)
			w.customerSays("m-1", "Hello")
			alice, chatID := connect(t, w)
			closeChat(t, alice, chatID)
			if q := w.sentText("Rate us from 1 to 5"); len(q.QuickReplies) != 5 || q.QuickReplies[2].Payload != "CSAT_3" {
				t.Fatalf("survey question: %+v", q)
			}
			w.customerSays("m-2", "nine")
			w.sentText("Please answer with a number from 1 to 5.")
			w.customerSays("m-3", "3")
			w.sentText("Any comment?")
			w.customerSays("m-4", "Slow but fine")
			w.sentText("Noted, thank you.")
			w.sentText("Goodbye Jane.")
			sam := w.login("sam", "sam-pass")
			if s := surveyOf(sam, chatID); s == nil || s.Score != 3 || s.Comment != "Slow but fine" || s.AgentID != alice.userID() {
				t.Fatalf("survey = %+v", s)
			}
			facts := w.facts(chatID)
			if !slices.ContainsFunc(facts, func(f parley.Fact) bool { return f.Kind == parley.FactSurveyAnswered && f.Score == 3 }) {
				t.Fatalf("facts = %v", facts)
			}
		})
	}
}

// TestSurveyExpires leaves the survey unanswered: once its timeout passes
// the chat goes on (the scenario's goodbye) and the survey is expired,
// with no answer and no fact.
func TestSurveyExpires(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorldFrom(t, dsn(t), "testdata/quality_expire.yaml", nil)
			w.customerSays("m-1", "Hello")
			alice, chatID := connect(t, w)
			closeChat(t, alice, chatID)
			w.sentText("How did we do? 1 (poor) to 5 (great)")
			w.sentText("Goodbye Jane.")
			sam := w.login("sam", "sam-pass")
			if s := surveyOf(sam, chatID); s == nil || s.Step != parley.SurveyExpired || s.Score != 0 {
				t.Fatalf("survey = %+v", s)
			}
			facts := w.facts(chatID)
			if slices.ContainsFunc(facts, func(f parley.Fact) bool { return f.Kind == parley.FactSurveyAnswered }) {
				t.Fatalf("an expired survey left a fact: %v", facts)
			}
		})
	}
}

// TestSurveyNumbered: on SMS, which has no quick replies, the survey's
// scores go out as numbered choices and the customer's bare number is the
// score, on both databases.
func TestSurveyNumbered(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			vn := fakevonage.New()
			vn.AddAccount("vonage-key", "vonage-secret")
			fake := httptest.NewServer(vn)
			t.Cleanup(fake.Close)
			a := startWith(t, dsn(t), "testdata/numbered_survey.yaml", map[string]string{"URL": fake.URL})
			accts, err := a.Store.Accounts(context.Background(), parley.DefaultTenant)
			if err != nil || len(accts) != 1 {
				t.Fatalf("accounts = %v, %v", accts, err)
			}
			say, texts := smsCustomer(t, a.URL()+"/webhooks/vonage/"+accts[0].ID, vn)
			say("Hi")
			eventually(t, "the numbered scores", func() bool {
				return slices.Equal(texts(), []string{"Rate us\n\n1. 1\n2. 2\n3. 3\n4. 4\n5. 5"})
			})
			say("4")
			eventually(t, "the score", func() bool {
				got := texts()
				return len(got) == 2 && got[1] == "You gave 4."
			})
			chats, err := a.Store.Chats(context.Background(), parley.ChatFilter{TenantID: parley.DefaultTenant})
			if err != nil || len(chats) != 1 {
				t.Fatalf("chats = %v, %v", chats, err)
			}
			cs, err := a.Store.ChatSurvey(context.Background(), chats[0].ID)
			if err != nil || cs.Score != 4 {
				t.Fatalf("survey = %+v, %v", cs, err)
			}
		})
	}
}

// TestSurveySetAside: asked for a score, the customer first answers
// something that is no score (asked again), then writes about something
// else; the survey is set aside without a thank-you, the chat ends, and
// the message starts a new conversation instead of being lost in it.
func TestSurveySetAside(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorldFrom(t, dsn(t), "testdata/quality.yaml", nil)
			w.customerSays("m-1", "Hi, I need a refund")
			alice, chatID := connect(t, w)
			closeChat(t, alice, chatID)
			w.sentText("How did we do? 1 (poor) to 5 (great)")
			w.customerSays("m-2", "10")
			w.sentText("Please answer with a number from 1 to 5.")
			const later = "Actually, where is my parcel?"
			w.customerSays("m-3", later)
			ctx := context.Background()
			var newChat string
			eventually(t, "a new chat holding the message", func() bool {
				chats, err := w.app.Store.Chats(ctx, parley.ChatFilter{TenantID: parley.DefaultTenant})
				if err != nil {
					return false
				}
				for _, c := range chats {
					ms, err := w.app.Store.Messages(ctx, c.ID, 0)
					if err == nil && c.ID != chatID && slices.ContainsFunc(ms, func(m *parley.Message) bool { return m.Text == later }) {
						newChat = c.ID
						return true
					}
				}
				return false
			})
			old, err := w.app.Store.Chat(ctx, chatID)
			if err != nil || old.State != parley.ChatClosed {
				t.Fatalf("the surveyed chat: %+v (%v), want closed", old, err)
			}
			ms, err := w.app.Store.Messages(ctx, chatID, 0)
			if err != nil || slices.ContainsFunc(ms, func(m *parley.Message) bool { return m.Text == later }) {
				t.Fatalf("the message stayed in the surveyed chat too (%v)", err)
			}
			sam := w.login("sam", "sam-pass")
			if s := surveyOf(sam, chatID); s == nil || s.Step != parley.SurveySkipped || s.Score != 0 {
				t.Fatalf("survey = %+v", s)
			}
			for _, c := range w.graph.SentTo(psid) {
				if c.Text == "Thanks for your feedback!" {
					t.Fatalf("thanked for a survey that was set aside")
				}
			}
			if newChat == "" {
				t.Fatal("no new chat")
			}
		})
	}
}
