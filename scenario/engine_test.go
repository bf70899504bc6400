package scenario_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// fakeRuntime records what blocks did to the outside world.
type fakeRuntime struct {
	calls   []string
	sendErr error // returned by the next Send, then cleared
}

func (r *fakeRuntime) Send(_ context.Context, chat *parley.Chat, text string) error {
	if err := r.sendErr; err != nil {
		r.sendErr = nil
		return err
	}
	r.calls = append(r.calls, fmt.Sprintf("send %s: %s", chat.ID, text))
	return nil
}

func (r *fakeRuntime) Enqueue(_ context.Context, chat *parley.Chat, service string, priority int) error {
	r.calls = append(r.calls, fmt.Sprintf("enqueue %s: %s/%d", chat.ID, service, priority))
	return nil
}

func (r *fakeRuntime) Close(_ context.Context, chat *parley.Chat) error {
	r.calls = append(r.calls, "close "+chat.ID)
	return nil
}

func (r *fakeRuntime) take() []string {
	c := r.calls
	r.calls = nil
	return c
}

var errCrash = errors.New("crash")

// memStore is the durable copy of chat positions. crashAt > 0 makes the
// crashAt-th Save store the position and then fail, as if the process died
// right after writing it.
type memStore struct {
	saved   map[string]parley.ScenarioPosition
	saves   int
	crashAt int
}

func newMemStore() *memStore { return &memStore{saved: map[string]parley.ScenarioPosition{}} }

func (m *memStore) Save(_ context.Context, chat *parley.Chat) error {
	m.saves++
	p := chat.Scenario
	p.Vars = maps.Clone(p.Vars)
	m.saved[chat.ID] = p
	if m.saves == m.crashAt {
		return errCrash
	}
	return nil
}

// reload returns the chat as a restarted server would read it.
func (m *memStore) reload(id string) *parley.Chat {
	p := m.saved[id]
	p.Vars = maps.Clone(p.Vars)
	return &parley.Chat{ID: id, Scenario: p}
}

var t0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func newEngine(rt *fakeRuntime, st *memStore) *scenario.Engine {
	return &scenario.Engine{Runtime: rt, Save: st.Save, Now: func() time.Time { return t0 }}
}

func compile(t *testing.T, blocks ...scenario.Spec) *scenario.Scenario {
	t.Helper()
	sc, errs := scenario.Compile(scenario.Definition{Name: "chat", Blocks: blocks})
	if len(errs) > 0 {
		t.Fatalf("Compile: %v", errs)
	}
	sc.Version = 3
	return sc
}

// messengerFlow is the default Messenger scenario.
func messengerFlow(t *testing.T) *scenario.Scenario {
	return compile(t,
		send("greeting", "Hi $(first_name)!"),
		scenario.Spec{ID: "find-agent", Type: "find_agent", Params: map[string]any{"service": "Support"}},
		send("connecting", "Connecting you to an agent."),
		scenario.Spec{ID: "connect", Type: "connect_chat"},
		send("goodbye", "Goodbye $(first_name)."),
		scenario.Spec{ID: "end", Type: "exit"},
	)
}

func pos(block, waiting string) parley.ScenarioPosition {
	return parley.ScenarioPosition{Name: "chat", Version: 3, Block: block, Waiting: waiting, Vars: map[string]string{"first_name": "Ann"}}
}

func checkCalls(t *testing.T, rt *fakeRuntime, want ...string) {
	t.Helper()
	if got := rt.take(); !reflect.DeepEqual(got, want) {
		t.Errorf("runtime calls =\n  %q\nwant\n  %q", got, want)
	}
}

func checkPos(t *testing.T, st *memStore, chat *parley.Chat, want parley.ScenarioPosition) {
	t.Helper()
	if !reflect.DeepEqual(chat.Scenario, want) {
		t.Errorf("position = %+v, want %+v", chat.Scenario, want)
	}
	if got := st.saved[chat.ID]; !reflect.DeepEqual(got, want) {
		t.Errorf("saved position = %+v, want %+v", got, want)
	}
}

func TestEngineMessengerFlow(t *testing.T) {
	ctx := context.Background()
	sc := messengerFlow(t)
	rt, st := &fakeRuntime{}, newMemStore()
	e := newEngine(rt, st)
	chat := &parley.Chat{ID: "c1"}

	if err := e.Start(ctx, chat, sc, map[string]string{"first_name": "Ann"}); err != nil {
		t.Fatalf("Start: %v", err)
	}
	checkCalls(t, rt, "send c1: Hi Ann!", "enqueue c1: Support/0")
	checkPos(t, st, chat, pos("find-agent", scenario.SigAgentFound))
	// Saved on start, after the greeting and when waiting.
	if st.saves != 3 {
		t.Errorf("Start saved %d times, want 3", st.saves)
	}

	if err := e.Signal(ctx, chat, sc, scenario.Signal{Kind: scenario.SigAgentFound}); err != nil {
		t.Fatalf("Signal(agent_found): %v", err)
	}
	checkCalls(t, rt, "send c1: Connecting you to an agent.")
	checkPos(t, st, chat, pos("connect", scenario.SigChatEnded))

	if err := e.Signal(ctx, chat, sc, scenario.Signal{Kind: scenario.SigChatEnded}); err != nil {
		t.Fatalf("Signal(chat_ended): %v", err)
	}
	checkCalls(t, rt, "send c1: Goodbye Ann.", "close c1")
	checkPos(t, st, chat, pos("", ""))

	// The chat is over: nothing more happens.
	if err := e.Continue(ctx, chat, sc); err != nil {
		t.Errorf("Continue after the end: %v", err)
	}
	if err := e.Signal(ctx, chat, sc, scenario.Signal{Kind: scenario.SigChatEnded}); !errors.Is(err, scenario.ErrNotWaiting) {
		t.Errorf("Signal after the end = %v, want ErrNotWaiting", err)
	}
	checkCalls(t, rt)
}

func TestEngineStartNilVars(t *testing.T) {
	rt, st := &fakeRuntime{}, newMemStore()
	chat := &parley.Chat{ID: "c1"}
	sc := compile(t, send("hello", "Hi $(first_name)."), scenario.Spec{ID: "talk", Type: "connect_chat"})
	if err := newEngine(rt, st).Start(context.Background(), chat, sc, nil); err != nil {
		t.Fatal(err)
	}
	checkCalls(t, rt, "send c1: Hi .")
	if chat.Scenario.Vars == nil {
		t.Errorf("Vars is nil; Start must seed an empty map")
	}
	if chat.Scenario.Block != "talk" || chat.Scenario.Waiting != scenario.SigChatEnded {
		t.Errorf("position = %+v, want waiting on talk", chat.Scenario)
	}
}

func TestEngineSignalNotWaiting(t *testing.T) {
	sc := messengerFlow(t)
	tests := []struct {
		name string
		at   parley.ScenarioPosition
		sig  string
	}{
		{"finding agent, chat ended", pos("find-agent", scenario.SigAgentFound), scenario.SigChatEnded},
		{"finding agent, input", pos("find-agent", scenario.SigAgentFound), scenario.SigInput},
		{"finding agent, timer without WakeAt", pos("find-agent", scenario.SigAgentFound), scenario.SigTimer},
		{"connected, agent found again", pos("connect", scenario.SigChatEnded), scenario.SigAgentFound},
		{"finished", pos("", ""), scenario.SigChatEnded},
		{"finished, empty signal", pos("", ""), ""},
		{"runnable, agent found", pos("find-agent", ""), scenario.SigAgentFound},
		{"runnable, empty signal", pos("find-agent", ""), ""},
		{"runnable send, empty signal", pos("greeting", ""), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt, st := &fakeRuntime{}, newMemStore()
			chat := &parley.Chat{ID: "c1", Scenario: tt.at}
			err := newEngine(rt, st).Signal(context.Background(), chat, sc, scenario.Signal{Kind: tt.sig})
			if !errors.Is(err, scenario.ErrNotWaiting) {
				t.Fatalf("Signal(%q) = %v, want ErrNotWaiting", tt.sig, err)
			}
			checkCalls(t, rt)
			if st.saves != 0 {
				t.Errorf("Signal saved %d times", st.saves)
			}
			if !reflect.DeepEqual(chat.Scenario, tt.at) {
				t.Errorf("position changed to %+v", chat.Scenario)
			}
		})
	}
}

// A crash right after the n-th save: the restarted server reads the saved
// position and Continue (or, if it was waiting, a signal) carries on
// without repeating what was done before that save.
func TestEngineContinueAfterCrash(t *testing.T) {
	sc := messengerFlow(t)
	type phase int
	const (
		start phase = iota
		agentFound
	)
	tests := []struct {
		name      string
		phase     phase // crash during Start or during Signal(agent_found)
		crashAt   int   // which Save of that phase crashes
		before    []string
		savedAt   parley.ScenarioPosition
		afterCont []string
		endPos    parley.ScenarioPosition
	}{
		{"start: after the first save", start, 1, nil,
			pos("greeting", ""), []string{"send c1: Hi Ann!", "enqueue c1: Support/0"}, pos("find-agent", scenario.SigAgentFound)},
		{"start: after the greeting", start, 2, []string{"send c1: Hi Ann!"},
			pos("find-agent", ""), []string{"enqueue c1: Support/0"}, pos("find-agent", scenario.SigAgentFound)},
		{"start: when waiting", start, 3, []string{"send c1: Hi Ann!", "enqueue c1: Support/0"},
			pos("find-agent", scenario.SigAgentFound), nil, pos("find-agent", scenario.SigAgentFound)},
		{"agent found: after leaving find-agent", agentFound, 1, nil,
			pos("connecting", ""), []string{"send c1: Connecting you to an agent."}, pos("connect", scenario.SigChatEnded)},
		{"agent found: after the connecting message", agentFound, 2, []string{"send c1: Connecting you to an agent."},
			pos("connect", ""), nil, pos("connect", scenario.SigChatEnded)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			rt, st := &fakeRuntime{}, newMemStore()
			chat := &parley.Chat{ID: "c1"}
			vars := map[string]string{"first_name": "Ann"}
			if tt.phase == agentFound {
				if err := newEngine(rt, st).Start(ctx, chat, sc, vars); err != nil {
					t.Fatal(err)
				}
				rt.take()
				st.saves, st.crashAt = 0, tt.crashAt
				err := newEngine(rt, st).Signal(ctx, chat, sc, scenario.Signal{Kind: scenario.SigAgentFound})
				if !errors.Is(err, errCrash) {
					t.Fatalf("Signal = %v, want the crash", err)
				}
			} else {
				st.crashAt = tt.crashAt
				if err := newEngine(rt, st).Start(ctx, chat, sc, vars); !errors.Is(err, errCrash) {
					t.Fatalf("Start = %v, want the crash", err)
				}
			}
			checkCalls(t, rt, tt.before...)
			if got := st.saved["c1"]; !reflect.DeepEqual(got, tt.savedAt) {
				t.Fatalf("saved position = %+v, want %+v", got, tt.savedAt)
			}

			// Restart: a new engine and runtime, the chat read back from the store.
			st.crashAt = 0
			rt2 := &fakeRuntime{}
			e2 := newEngine(rt2, st)
			chat2 := st.reload("c1")
			if err := e2.Continue(ctx, chat2, sc); err != nil {
				t.Fatalf("Continue: %v", err)
			}
			checkCalls(t, rt2, tt.afterCont...)
			checkPos(t, st, chat2, tt.endPos)

			// And the chat goes on normally from there.
			if tt.endPos.Waiting == scenario.SigAgentFound {
				if err := e2.Signal(ctx, chat2, sc, scenario.Signal{Kind: scenario.SigAgentFound}); err != nil {
					t.Fatal(err)
				}
				checkCalls(t, rt2, "send c1: Connecting you to an agent.")
			}
			if err := e2.Signal(ctx, chat2, sc, scenario.Signal{Kind: scenario.SigChatEnded}); err != nil {
				t.Fatal(err)
			}
			checkCalls(t, rt2, "send c1: Goodbye Ann.", "close c1")
			checkPos(t, st, chat2, pos("", ""))
		})
	}
}

// A block that fails leaves the chat on that block, so Continue retries it.
func TestEngineRuntimeErrorRetried(t *testing.T) {
	ctx := context.Background()
	sc := messengerFlow(t)
	rt, st := &fakeRuntime{sendErr: errors.New("graph api down")}, newMemStore()
	e := newEngine(rt, st)
	chat := &parley.Chat{ID: "c1"}
	err := e.Start(ctx, chat, sc, map[string]string{"first_name": "Ann"})
	if err == nil || !strings.Contains(err.Error(), `block "greeting"`) || !strings.Contains(err.Error(), "graph api down") {
		t.Fatalf("Start = %v, want the send error naming the block", err)
	}
	checkCalls(t, rt)
	checkPos(t, st, chat, pos("greeting", ""))

	if err := e.Continue(ctx, chat, sc); err != nil {
		t.Fatalf("Continue: %v", err)
	}
	checkCalls(t, rt, "send c1: Hi Ann!", "enqueue c1: Support/0")
	checkPos(t, st, chat, pos("find-agent", scenario.SigAgentFound))
}

func TestEngineContinueNoop(t *testing.T) {
	sc := messengerFlow(t)
	for _, at := range []parley.ScenarioPosition{pos("", ""), pos("find-agent", scenario.SigAgentFound), pos("connect", scenario.SigChatEnded)} {
		rt, st := &fakeRuntime{}, newMemStore()
		chat := &parley.Chat{ID: "c1", Scenario: at}
		if err := newEngine(rt, st).Continue(context.Background(), chat, sc); err != nil {
			t.Errorf("Continue at %+v: %v", at, err)
		}
		checkCalls(t, rt)
		if st.saves != 0 || !reflect.DeepEqual(chat.Scenario, at) {
			t.Errorf("Continue at %+v changed the chat: %+v, %d saves", at, chat.Scenario, st.saves)
		}
	}
}

func TestEngineUnknownBlock(t *testing.T) {
	sc := messengerFlow(t)
	rt, st := &fakeRuntime{}, newMemStore()
	chat := &parley.Chat{ID: "c1", Scenario: pos("removed-block", "")}
	err := newEngine(rt, st).Continue(context.Background(), chat, sc)
	if err == nil || !strings.Contains(err.Error(), `unknown block "removed-block"`) {
		t.Fatalf("Continue = %v, want unknown block error", err)
	}
	checkCalls(t, rt)
}

func TestEngineExits(t *testing.T) {
	findAgent := scenario.Spec{ID: "queue", Type: "find_agent", Params: map[string]any{"service": "Sales", "priority": 2}}
	tests := []struct {
		name    string
		blocks  []scenario.Spec
		start   []string // calls of Start
		waitOn  string   // block waiting for an agent after Start ("" if the chat ended)
		onFound []string // calls after SigAgentFound
		endPos  parley.ScenarioPosition
	}{
		{
			name: "named exit found",
			blocks: []scenario.Spec{
				withExits(findAgent, map[string]string{"found": "talk"}),
				send("no-agent", "Nobody is available."),
				{ID: "bye", Type: "exit", Params: map[string]any{"text": "Bye."}},
				{ID: "talk", Type: "connect_chat"},
			},
			start:   []string{"enqueue c1: Sales/2"},
			waitOn:  "queue",
			onFound: nil,
			endPos:  pos("talk", scenario.SigChatEnded),
		},
		{
			name: "found falls through to the next block",
			blocks: []scenario.Spec{
				findAgent,
				send("connecting", "Connecting."),
				{ID: "talk", Type: "connect_chat"},
			},
			start:   []string{"enqueue c1: Sales/2"},
			waitOn:  "queue",
			onFound: []string{"send c1: Connecting."},
			endPos:  pos("talk", scenario.SigChatEnded),
		},
		{
			name: "found falls back to the default exit",
			blocks: []scenario.Spec{
				withExits(findAgent, map[string]string{"next": "talk"}),
				send("bye", "Bye."),
				{ID: "end", Type: "exit"},
				withExits(scenario.Spec{ID: "talk", Type: "connect_chat"}, map[string]string{"next": "bye"}),
			},
			start:  []string{"enqueue c1: Sales/2"},
			waitOn: "queue",
			endPos: pos("talk", scenario.SigChatEnded),
		},
		{
			name: "next jumps over blocks",
			blocks: []scenario.Spec{
				withExits(send("hello", "Hello."), map[string]string{"next": "queue"}),
				send("skipped", "Never sent."),
				withExits(findAgent, map[string]string{"found": "talk"}),
				{ID: "talk", Type: "connect_chat", Exits: map[string]string{"next": "skipped"}},
			},
			start:   []string{"send c1: Hello.", "enqueue c1: Sales/2"},
			waitOn:  "queue",
			onFound: nil,
			endPos:  pos("talk", scenario.SigChatEnded),
		},
		{
			name: "running off the end after the agent closes the chat",
			blocks: []scenario.Spec{
				send("hello", "Hello."),
				findAgent,
			},
			start:   []string{"send c1: Hello.", "enqueue c1: Sales/2"},
			waitOn:  "queue",
			onFound: []string{"close c1"},
			endPos:  pos("", ""),
		},
		{
			name:   "running off the end at once",
			blocks: []scenario.Spec{send("hello", "Hello $(first_name)."), send("again", "Still here.")},
			start:  []string{"send c1: Hello Ann.", "send c1: Still here.", "close c1"},
			endPos: pos("", ""),
		},
		{
			name:   "exit with text",
			blocks: []scenario.Spec{{ID: "bye", Type: "exit", Params: map[string]any{"text": "Closed, $(first_name)."}}},
			start:  []string{"send c1: Closed, Ann.", "close c1"},
			endPos: pos("", ""),
		},
		{
			name:   "exit without text",
			blocks: []scenario.Spec{send("hello", "Hello."), {ID: "end", Type: "exit"}},
			start:  []string{"send c1: Hello.", "close c1"},
			endPos: pos("", ""),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, errs := scenario.Compile(scenario.Definition{Name: "chat", Blocks: tt.blocks})
			if len(errs) > 0 {
				t.Fatalf("Compile: %v", errs)
			}
			sc.Version = 3
			ctx := context.Background()
			rt, st := &fakeRuntime{}, newMemStore()
			e := newEngine(rt, st)
			chat := &parley.Chat{ID: "c1"}
			if err := e.Start(ctx, chat, sc, map[string]string{"first_name": "Ann"}); err != nil {
				t.Fatalf("Start: %v", err)
			}
			checkCalls(t, rt, tt.start...)
			if tt.waitOn != "" {
				checkPos(t, st, chat, pos(tt.waitOn, scenario.SigAgentFound))
				if err := e.Signal(ctx, chat, sc, scenario.Signal{Kind: scenario.SigAgentFound}); err != nil {
					t.Fatalf("Signal: %v", err)
				}
				checkCalls(t, rt, tt.onFound...)
			}
			checkPos(t, st, chat, tt.endPos)
		})
	}
}
