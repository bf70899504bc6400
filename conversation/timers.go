package conversation

import (
	"context"
	"log/slog"

	"github.com/parleycc/parley/scenario"
)

// timerLoop fires scenario timers (Wait, Ask and Find Agent timeouts,
// position messages) as they come due. Timers live in the chats' rows, so
// they survive restarts and any node may fire them.
func (s *Service) timerLoop(ctx context.Context) {
	s.worker(ctx, nil, s.fireDueTimers, "timers")
}

// fireDueTimers signals every chat whose timer is due.
func (s *Service) fireDueTimers(ctx context.Context) error {
	for {
		ids, err := s.Store.DueTimers(ctx, s.Clock.Now(), 100)
		if err != nil || len(ids) == 0 {
			return err
		}
		failed := false
		for _, id := range ids {
			if err := s.fireTimer(ctx, id); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				// The chat keeps its timer and is retried next round.
				s.Logger.Error("scenario timer", slog.String("chat", id), slog.Any("err", err))
				failed = true
			}
		}
		if failed || len(ids) < 100 {
			return nil
		}
	}
}

// fireTimer delivers a timer signal to one chat if its timer is still due
// (another signal may have moved it on meanwhile).
func (s *Service) fireTimer(ctx context.Context, chatID string) error {
	ctx = stepContext(ctx)
	unlock := s.chatLocks.lock(chatID)
	defer unlock()
	chat, sc, err := s.chatScenario(ctx, chatID)
	if err != nil || sc == nil {
		return err
	}
	p := chat.Scenario
	if p.Waiting == "" || p.WakeAt.IsZero() || p.WakeAt.After(s.Clock.Now()) {
		return nil
	}
	err = s.engine.Signal(ctx, chat, sc, scenario.Signal{Kind: scenario.SigTimer})
	if err == scenario.ErrNotWaiting {
		return nil
	}
	return err
}
