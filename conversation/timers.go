package conversation

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// timerLoop fires scenario timers (Wait, Ask and Find Agent timeouts,
// position messages) as they come due. Timers live in the chats' rows, so
// they survive restarts and any node may fire them.
func (s *Service) timerLoop(ctx context.Context) {
	s.worker(ctx, nil, s.fireDueTimers, "timers")
}

// stalledEvery is how often, in poll intervals, a node looks for
// scenarios whose run was cut off (by another node dying mid-step) and
// has sat for chatRunLease: every 15 s by default.
const stalledEvery = 15

// fireDueTimers signals every chat whose timer is due, and now and then
// resumes stalled scenarios.
func (s *Service) fireDueTimers(ctx context.Context) error {
	if time.Since(s.stalledAt) >= stalledEvery*s.PollInterval {
		s.stalledAt = time.Now()
		if err := s.resumeStalled(ctx); err != nil {
			return err
		}
	}
	if err := s.expireSurveys(ctx); err != nil {
		return err
	}
	if time.Since(s.alertsAt) >= alertEvery*s.PollInterval {
		s.alertsAt = time.Now()
		s.checkThresholds(ctx)
	}
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

// resumeStalled continues scenarios left between two steps for longer
// than a chat run lease: the node running them is gone (a live one would
// have saved its next position or still hold the chat).
func (s *Service) resumeStalled(ctx context.Context) error {
	ids, err := s.Store.StalledScenarios(ctx, time.Now().Add(-chatRunLease), 100)
	if err != nil {
		return err
	}
	for _, id := range ids {
		s.Logger.Warn("resuming a scenario whose run was cut off", slog.String("chat", id))
		if err := s.continueScenario(ctx, id); err != nil {
			s.Logger.Error("resume scenario", slog.String("chat", id), slog.Any("err", err))
		}
	}
	return nil
}

// fireTimer delivers a timer signal to one chat if its timer is still due
// (another signal may have moved it on meanwhile).
func (s *Service) fireTimer(ctx context.Context, chatID string) error {
	return s.withScenario(ctx, chatID, func(ctx context.Context, chat *parley.Chat, sc *scenario.Scenario) error {
		p := chat.Scenario
		if p.Waiting == "" || p.WakeAt.IsZero() || p.WakeAt.After(s.Clock.Now()) {
			return nil
		}
		err := s.engine.Signal(ctx, chat, sc, scenario.Signal{Kind: scenario.SigTimer})
		if errors.Is(err, scenario.ErrNotWaiting) {
			return nil
		}
		return err
	})
}

// alertEvery is how often, in poll intervals, the routing leader of a
// tenant computes its wallboard to raise threshold alerts that no event
// caused (a wait growing past its limit): every 5 s by default.
const alertEvery = 5

// checkThresholds raises the alerts of the tenants this node leads.
func (s *Service) checkThresholds(ctx context.Context) {
	s.routing.mu.Lock()
	tenants := make([]string, 0, len(s.routing.tenants))
	for t := range s.routing.tenants {
		tenants = append(tenants, t)
	}
	s.routing.mu.Unlock()
	for _, t := range tenants {
		if _, err := s.Wallboard(ctx, t); err != nil && ctx.Err() == nil {
			s.Logger.Error("threshold alerts", slog.String("tenant", t), slog.Any("err", err))
		}
	}
}
