package parley

// Service is a queue of chats that a group of agents serves (a campaign in
// some products).
type Service struct {
	ID               string
	TenantID         string
	Name             string // unique per tenant
	MaxChatsPerAgent int    // 0 means each agent's own capacity applies
	MaxQueueLength   int    // chats waiting at most; Find Agent leaves through queue_full beyond it; 0: no limit

	// Disabled: the service takes no new chats; its entries answer with
	// the after-hours path.
	Disabled bool
	// ScheduleName is the service's hours of operation; empty: always open.
	ScheduleName string
	// AfterHoursMessage is what an entry of the service sends a new chat
	// when it is closed, unless the entry's scenario reads the hours
	// itself; empty: DefaultAfterHoursMessage.
	AfterHoursMessage string
	// TicketFields are the extra questions of the service's ticket
	// form, in the order it asks them.
	TicketFields []TicketField
}

// DefaultAfterHoursMessage answers a new chat of a closed service that
// has no message of its own.
const DefaultAfterHoursMessage = "We are closed right now. Please write again during our opening hours."

// MaxAfterHoursMessage is the longest after-hours message, in characters.
const MaxAfterHoursMessage = 2000

// Validate reports the first invalid field.
func (s *Service) Validate() error {
	if s.Name == "" {
		return Errorf(EINVALID, "service name required")
	}
	if s.MaxQueueLength < 0 {
		return Errorf(EINVALID, "service %q: max_queue_length must not be negative", s.Name)
	}
	if s.MaxChatsPerAgent < 0 {
		return Errorf(EINVALID, "service %q: max_chats_per_agent must not be negative", s.Name)
	}
	if n := len([]rune(s.AfterHoursMessage)); n > MaxAfterHoursMessage {
		return Errorf(EINVALID, "service %q: after_hours_message is %d characters, at most %d", s.Name, n, MaxAfterHoursMessage)
	}
	if err := CheckTicketFields(s.TicketFields); err != nil {
		return Errorf(EINVALID, "service %q: %s", s.Name, ErrorMessage(err))
	}
	return nil
}

// ScenarioEntry binds an integration account to the scenario that handles
// its new chats and to a default service.
type ScenarioEntry struct {
	ID           string
	TenantID     string
	Name         string
	AccountID    string
	ScenarioName string
	ServiceID    string
	ScheduleName string // hours of operation; empty: always open
}
