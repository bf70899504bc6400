package sqlstore_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func TestSchedules(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		sch := &parley.Schedule{TenantID: "t1", Name: "office", Timezone: "Europe/Paris",
			Hours:    []parley.OpenSpan{{Days: []time.Weekday{time.Monday, time.Friday}, From: "09:00", To: "18:00"}},
			Holidays: []string{"2026-12-25"}}
		must(t, s.UpsertSchedule(ctx, sch))
		got, err := s.Schedule(ctx, "t1", "office")
		must(t, err)
		if !reflect.DeepEqual(got, sch) {
			t.Fatalf("Schedule = %+v, want %+v", got, sch)
		}
		sch.Holidays = nil
		must(t, s.UpsertSchedule(ctx, sch))
		if got, _ := s.Schedule(ctx, "t1", "office"); len(got.Holidays) != 0 {
			t.Errorf("holidays after update = %v", got.Holidays)
		}
		if _, err := s.Schedule(ctx, "t2", "office"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("other tenant: %v, want ENOTFOUND", err)
		}
		if err := s.UpsertSchedule(ctx, &parley.Schedule{TenantID: "t1", Name: "x", Timezone: "Nowhere/City"}); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("bad timezone: %v, want EINVALID", err)
		}
	})
}

func TestEntryScheduleAndQueueLimit(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		svc := &parley.Service{TenantID: "t1", Name: "Support", MaxQueueLength: 12}
		must(t, s.UpsertService(ctx, svc))
		got, err := s.Service(ctx, svc.ID)
		must(t, err)
		if got.MaxQueueLength != 12 {
			t.Errorf("MaxQueueLength = %d, want 12", got.MaxQueueLength)
		}
		e := &parley.ScenarioEntry{TenantID: "t1", Name: "Messenger", AccountID: "a1", ScenarioName: "chat", ServiceID: svc.ID, ScheduleName: "office"}
		must(t, s.UpsertEntry(ctx, e))
		ge, err := s.EntryByAccount(ctx, "a1")
		must(t, err)
		if !reflect.DeepEqual(ge, e) {
			t.Errorf("entry = %+v, want %+v", ge, e)
		}
	})
}

func TestDueTimers(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		wait := func(c *parley.Chat, waiting string, wake time.Time) {
			t.Helper()
			must(t, s.SaveScenario(ctx, c.ID, parley.ScenarioPosition{Name: "chat", Version: 1, Block: "b", Waiting: waiting, WakeAt: wake}))
		}
		late := newChat(t, s, "t1")
		wait(late, "timer", at(5))
		early := newChat(t, s, "t2") // other tenants' timers are due too
		wait(early, "input", at(2))
		future := newChat(t, s, "t1")
		wait(future, "timer", at(60))
		noTimer := newChat(t, s, "t1")
		wait(noTimer, "input", time.Time{})
		runnable := newChat(t, s, "t1")
		wait(runnable, "", at(1))
		closed := newChat(t, s, "t1")
		wait(closed, "timer", at(1))
		must(t, s.CloseChat(ctx, closed.ID, at(1)))

		ids, err := s.DueTimers(ctx, at(10), 10)
		must(t, err)
		if want := []string{early.ID, late.ID}; !reflect.DeepEqual(ids, want) {
			t.Errorf("DueTimers = %v, want %v (earliest first)", ids, want)
		}
		if ids, _ := s.DueTimers(ctx, at(10), 1); len(ids) != 1 || ids[0] != early.ID {
			t.Errorf("DueTimers limit 1 = %v", ids)
		}
		if ids, _ := s.DueTimers(ctx, at(1), 10); len(ids) != 0 {
			t.Errorf("nothing due yet: %v", ids)
		}
	})
}

func TestDequeueChat(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := queuedChat(t, s, "t1", "svc", 0, at(1))
		must(t, s.DequeueChat(ctx, c.ID, at(2)))
		got := chatState(t, s, c.ID)
		if got.State != parley.ChatBot || !got.QueuedAt.IsZero() {
			t.Errorf("after dequeue: state %s, queued at %v", got.State, got.QueuedAt)
		}
		if err := s.DequeueChat(ctx, c.ID, at(3)); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("dequeue a chat not queued: %v, want ECONFLICT", err)
		}
		if q, _ := s.Queue(ctx, "t1"); len(q) != 0 {
			t.Errorf("queue = %d chats, want 0", len(q))
		}
	})
}

func TestScenarioVersionsAndChats(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		for _, v := range []*parley.ScenarioVersion{
			{TenantID: "t1", Name: "b", Definition: []byte(`{"n":1}`)},
			{TenantID: "t1", Name: "a", Definition: []byte(`{"n":1}`)},
			{TenantID: "t1", Name: "a", Definition: []byte(`{"n":2}`)},
			{TenantID: "t2", Name: "a", Definition: []byte(`{"n":1}`)},
		} {
			must(t, s.PublishScenario(ctx, v))
		}
		vs, err := s.ScenarioVersions(ctx, "t1")
		must(t, err)
		var got []string
		for _, v := range vs {
			got = append(got, v.Name+string(rune('0'+v.Version)))
		}
		if want := []string{"a1", "a2", "b1"}; !reflect.DeepEqual(got, want) {
			t.Errorf("versions = %v, want %v", got, want)
		}

		older := &parley.Chat{TenantID: "t1", CustomerID: "x1", CreatedAt: at(1), Scenario: parley.ScenarioPosition{Name: "a", Version: 1}}
		newer := &parley.Chat{TenantID: "t1", CustomerID: "x2", CreatedAt: at(2), Scenario: parley.ScenarioPosition{Name: "a", Version: 2}}
		other := &parley.Chat{TenantID: "t1", CustomerID: "x3", CreatedAt: at(3), Scenario: parley.ScenarioPosition{Name: "b", Version: 1}}
		for _, c := range []*parley.Chat{older, newer, other} {
			must(t, s.CreateChat(ctx, c))
		}
		cs, err := s.ScenarioChats(ctx, "t1", "a", 10)
		must(t, err)
		if len(cs) != 2 || cs[0].ID != newer.ID || cs[1].ID != older.ID {
			t.Errorf("ScenarioChats = %d chats, want newer then older", len(cs))
		}
	})
}

// TestSaveStep: a scenario step's messages, their events and the chat's
// position are stored together, or none of them is.
func TestSaveStep(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		c := newChat(t, s, "t1")
		other := newChat(t, s, "t1")
		bot := func(chatID, text string) *parley.Message {
			return &parley.Message{ChatID: chatID, Direction: parley.Outbound, Sender: parley.SenderBot, Kind: parley.KindText, Text: text}
		}
		announce := func(m *parley.Message) *parley.Event {
			return &parley.Event{TenantID: "t1", Type: parley.EventMessage, ChatID: m.ChatID, Data: []byte(`{"id":"` + m.ID + `"}`)}
		}
		wake := at(3600)
		pos := parley.ScenarioPosition{Name: "flow", Version: 1, Block: "ask", Waiting: "input", WakeAt: wake, Vars: map[string]string{"a": "1"}}
		before, err := s.LastEventID(ctx, "t1")
		must(t, err)

		// One message belongs to another chat: the whole step is refused.
		bad := &parley.ScenarioStep{ChatID: c.ID, Position: pos, Messages: []*parley.Message{bot(c.ID, "Hi"), bot(other.ID, "Your email?")}, Announce: announce}
		wantCode(t, s.SaveStep(ctx, bad), parley.EINVALID)
		if ms, _ := s.Messages(ctx, c.ID, 0); len(ms) != 0 {
			t.Fatalf("a refused step left %d messages", len(ms))
		}
		if got, _ := s.Chat(ctx, c.ID); got.Scenario.Block != "" {
			t.Fatalf("a refused step left the position %+v", got.Scenario)
		}
		if id, _ := s.LastEventID(ctx, "t1"); id != before {
			t.Fatalf("a refused step left events up to %d (was %d)", id, before)
		}

		// A step on a chat that does not exist stores nothing either.
		gone := &parley.ScenarioStep{ChatID: "no-such-chat", Position: pos, Messages: []*parley.Message{bot("no-such-chat", "Hi")}}
		wantCode(t, s.SaveStep(ctx, gone), parley.ENOTFOUND)

		step := &parley.ScenarioStep{ChatID: c.ID, Position: pos, Messages: []*parley.Message{bot(c.ID, "Hi"), bot(c.ID, "Your email?")}, Announce: announce}
		must(t, s.SaveStep(ctx, step))
		ms, err := s.Messages(ctx, c.ID, 0)
		must(t, err)
		if len(ms) != 2 || ms[0].Text != "Hi" || ms[1].Text != "Your email?" || ms[1].Status != parley.MsgPending || ms[1].Seq != 2 {
			t.Fatalf("messages = %+v", ms)
		}
		if step.Messages[1].ID != ms[1].ID || step.Messages[1].Seq != 2 {
			t.Errorf("step message ids not set: %+v", step.Messages[1])
		}
		if len(step.Events) != 2 || step.Events[0].ID <= before || string(step.Events[1].Data) != `{"id":"`+ms[1].ID+`"}` {
			t.Fatalf("events = %+v", step.Events)
		}
		got, err := s.Chat(ctx, c.ID)
		must(t, err)
		if got.Scenario.Block != "ask" || got.Scenario.Waiting != "input" || !got.Scenario.WakeAt.Equal(wake) || got.Scenario.Vars["a"] != "1" {
			t.Fatalf("position = %+v", got.Scenario)
		}
	})
}
