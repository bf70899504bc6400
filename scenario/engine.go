package scenario

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/parleycc/parley"
)

// maxSteps bounds one run between waits; validation rejects loops that never
// wait, so only a broken runtime could reach it.
const maxSteps = 1000

// Engine moves chats through their scenarios.
type Engine struct {
	Runtime Runtime
	// Save persists the chat's scenario position; called after every step.
	Save func(ctx context.Context, chat *parley.Chat) error
	Now  func() time.Time
}

// ErrNotWaiting is returned by Signal when the chat's block does not wait
// for that kind of signal; the signal is ignored.
var ErrNotWaiting = errors.New("scenario: chat is not waiting for this signal")

// Start puts a new chat on the first block of sc and runs it until it waits
// or ends. vars seeds the chat's variables.
func (e *Engine) Start(ctx context.Context, chat *parley.Chat, sc *Scenario, vars map[string]string) error {
	if vars == nil {
		vars = map[string]string{}
	}
	chat.Scenario = parley.ScenarioPosition{Name: sc.Name, Version: sc.Version, Block: sc.first, Vars: vars}
	if err := e.Save(ctx, chat); err != nil {
		return err
	}
	return e.run(ctx, chat, sc, nil)
}

// Continue runs a chat whose position is runnable (not waiting), as after a
// restart between two steps.
func (e *Engine) Continue(ctx context.Context, chat *parley.Chat, sc *Scenario) error {
	if chat.Scenario.Block == "" || chat.Scenario.Waiting != "" {
		return nil
	}
	return e.run(ctx, chat, sc, nil)
}

// Signal delivers sig to the block the chat waits on and runs on from there.
func (e *Engine) Signal(ctx context.Context, chat *parley.Chat, sc *Scenario, sig Signal) error {
	pos := chat.Scenario
	if sc.esc.asks(sig) && sc.esc.escalatesFrom(pos.Block, pos.Waiting) {
		// The customer asked for a person: leave the waiting block for the
		// escalation's target, remembering where they were.
		chat.Scenario.Vars = withVar(chat.Scenario.Vars, EscalatedFromVar, pos.Block)
		chat.Scenario.Block, chat.Scenario.Waiting, chat.Scenario.WakeAt = sc.esc.To, "", time.Time{}
		return e.run(ctx, chat, sc, nil)
	}
	if pos.Block == "" || pos.Waiting == "" || (pos.Waiting != sig.Kind && !(sig.Kind == SigTimer && !pos.WakeAt.IsZero())) {
		return ErrNotWaiting
	}
	return e.run(ctx, chat, sc, &sig)
}

func (e *Engine) run(ctx context.Context, chat *parley.Chat, sc *Scenario, sig *Signal) error {
	pos := &chat.Scenario
	for range maxSteps {
		id := pos.Block
		blk, ok := sc.blocks[id]
		if !ok {
			return fmt.Errorf("scenario %s v%d: chat %s is on unknown block %q", sc.Name, sc.Version, chat.ID, id)
		}
		x := &Exec{Chat: chat, Vars: pos.Vars, Runtime: e.Runtime, Now: e.Now(), Block: id, exits: sc.specs[id].Exits, escalation: sc.esc}
		var step Step
		var err error
		if sig != nil {
			r, ok := blk.(Resumer)
			if !ok {
				return fmt.Errorf("scenario %s: block %q cannot resume", sc.Name, id)
			}
			step, err = r.Resume(ctx, x, *sig)
			sig = nil
		} else {
			step, err = blk.Run(ctx, x)
		}
		if err != nil {
			return fmt.Errorf("scenario %s block %q: %w", sc.Name, id, err)
		}
		switch {
		case step.Wait != "":
			pos.Waiting, pos.WakeAt = step.Wait, step.WakeAt
			return e.Save(ctx, chat)
		case step.End:
			pos.Block, pos.Waiting, pos.WakeAt = "", "", time.Time{}
			if err := e.Save(ctx, chat); err != nil {
				return err
			}
			return e.Runtime.Close(ctx, chat)
		}
		exit := step.Exit
		if exit == "" {
			exit = DefaultExit
		}
		pos.Block, pos.Waiting, pos.WakeAt = sc.next(id, exit), "", time.Time{}
		if pos.Block == "" { // ran off the end: same as an Exit block
			if err := e.Save(ctx, chat); err != nil {
				return err
			}
			return e.Runtime.Close(ctx, chat)
		}
		if sc.pure(id) {
			continue // saved with the next step that has an effect
		}
		if err := e.Save(ctx, chat); err != nil {
			return err
		}
	}
	return fmt.Errorf("scenario %s: chat %s took %d steps without waiting", sc.Name, chat.ID, maxSteps)
}

// withVar sets a variable in a chat's variables, making the map if needed.
func withVar(vars map[string]string, name, value string) map[string]string {
	if vars == nil {
		vars = map[string]string{}
	}
	vars[name] = value
	return vars
}
