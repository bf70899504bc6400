package conversation

import (
	"context"
	"log/slog"
	"time"

	"github.com/parleycc/parley"
)

// entryHours tells whether the entry takes chats at now: its service is
// enabled and the entry's hours (or, when the entry has none, its
// service's) are open. local is now in the schedule's time zone. svc is
// the entry's service, nil when it has none.
func (s *Service) entryHours(ctx context.Context, tenantID string, entry *parley.ScenarioEntry, now time.Time) (open bool, local time.Time, svc *parley.Service, err error) {
	schedule := entry.ScheduleName
	if entry.ServiceID != "" {
		svc, err = s.Store.Service(ctx, entry.ServiceID)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			svc, err = nil, nil // deleted since: the entry's own hours only
		} else if err != nil {
			return false, now, nil, err
		}
	}
	if svc != nil && schedule == "" {
		schedule = svc.ScheduleName
	}
	open, local = true, now
	if schedule != "" {
		sch, err := s.Store.Schedule(ctx, tenantID, schedule)
		switch {
		case parley.ErrorCode(err) == parley.ENOTFOUND:
			// A schedule removed since the entry named it: always open.
		case err != nil:
			return false, now, svc, err
		default:
			if open, local, err = sch.Open(now); err != nil {
				return false, now, svc, err
			}
		}
	}
	if svc != nil && svc.Disabled {
		open = false
	}
	return open, local, svc, nil
}

// afterHoursQuiet is how long after an after-hours answer a customer's
// further messages are kept without being answered again: someone who
// writes five lines at night is told once, not five times.
const afterHoursQuiet = time.Hour

// answerClosed ends a new chat of a closed entry whose scenario does not
// read the hours itself: the service's after-hours message, then closed.
// The message is left out when the customer was given it a moment ago.
func (s *Service) answerClosed(ctx context.Context, chat *parley.Chat, svc *parley.Service) error {
	text := parley.DefaultAfterHoursMessage
	if svc != nil && svc.AfterHoursMessage != "" {
		text = svc.AfterHoursMessage
	}
	told, err := s.toldClosed(ctx, chat, text)
	if err != nil {
		return err
	}
	if told {
		s.Logger.Info("entry closed: customer told a moment ago, not again", slog.String("chat", chat.ID))
	} else {
		s.Logger.Info("entry closed: after-hours message sent", slog.String("chat", chat.ID))
		if _, err := s.queueOutbound(ctx, chat, &parley.Message{Sender: parley.SenderBot, Text: text}); err != nil {
			return err
		}
	}
	return runtime{s}.Close(ctx, chat)
}

// toldClosed reports whether the customer was given the same after-hours
// answer less than afterHoursQuiet ago: in their newest earlier chat with
// a bot message (chats closed without an answer, being told already,
// are passed over).
func (s *Service) toldClosed(ctx context.Context, chat *parley.Chat, text string) (bool, error) {
	since := s.Clock.Now().Add(-afterHoursQuiet)
	prev, err := s.Store.Chats(ctx, parley.ChatFilter{TenantID: chat.TenantID, CustomerID: chat.CustomerID, States: []string{parley.ChatClosed}, Limit: 20})
	if err != nil {
		return false, err
	}
	for _, c := range prev {
		if c.CreatedAt.Before(since) {
			return false, nil
		}
		last, err := s.Store.LastMessageFrom(ctx, c.ID, parley.SenderBot, "")
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		} else if err != nil {
			return false, err
		}
		return last.Text == text && last.CreatedAt.After(since), nil
	}
	return false, nil
}
