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

// answerClosed ends a new chat of a closed entry whose scenario does not
// read the hours itself: the service's after-hours message, then closed.
func (s *Service) answerClosed(ctx context.Context, chat *parley.Chat, svc *parley.Service) error {
	text := parley.DefaultAfterHoursMessage
	if svc != nil && svc.AfterHoursMessage != "" {
		text = svc.AfterHoursMessage
	}
	s.Logger.Info("entry closed: after-hours message sent", slog.String("chat", chat.ID))
	if _, err := s.queueOutbound(ctx, chat, &parley.Message{Sender: parley.SenderBot, Text: text}); err != nil {
		return err
	}
	return runtime{s}.Close(ctx, chat)
}
