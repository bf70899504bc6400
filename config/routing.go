package config

import (
	"context"
	"fmt"
	"time"

	"github.com/parleycc/parley"
)

// ServiceRouting declares how a service routes (see parley.ServiceRouting).
// Durations are Go durations ("30s", "2m").
type ServiceRouting struct {
	Strategy     string         `yaml:"strategy,omitempty"` // longest_idle, least_busy, most_skilled
	Skills       map[string]int `yaml:"skills,omitempty"`   // required skill → minimum level 0–100
	OfferTimeout string         `yaml:"offer_timeout,omitempty"`
	AutoAccept   bool           `yaml:"auto_accept,omitempty"`
	ACWLimit     string         `yaml:"acw_limit,omitempty"`
	AbsentRule   string         `yaml:"absent_rule,omitempty"` // keep, requeue, handoff
	HandoffAfter string         `yaml:"handoff_after,omitempty"`
	DropoutAfter string         `yaml:"dropout_after,omitempty"`
}

// Domain converts the declaration; errors name the field.
func (r *ServiceRouting) Domain() (parley.ServiceRouting, error) {
	out := parley.ServiceRouting{Strategy: r.Strategy, Skills: r.Skills, AutoAccept: r.AutoAccept, AbsentRule: r.AbsentRule}
	for _, d := range []struct {
		field string
		text  string
		dst   *time.Duration
	}{
		{"offer_timeout", r.OfferTimeout, &out.OfferTimeout}, {"acw_limit", r.ACWLimit, &out.ACWLimit},
		{"handoff_after", r.HandoffAfter, &out.HandoffAfter}, {"dropout_after", r.DropoutAfter, &out.DropoutAfter},
	} {
		if d.text == "" {
			continue
		}
		v, err := time.ParseDuration(d.text)
		if err != nil || v < 0 {
			return out, fmt.Errorf("%s: %q is not a duration like 30s or 2m", d.field, d.text)
		}
		*d.dst = v
	}
	if err := out.Validate(); err != nil {
		return out, err
	}
	return out, nil
}

// validateRouting checks the services' routing blocks and users' skills.
func (f *File) validateRouting() error {
	for i, s := range f.Services {
		if s.Routing == nil {
			continue
		}
		if _, err := s.Routing.Domain(); err != nil {
			return f.errorf(f.line("services", i, "routing"), "services[%d].routing: %v", i, err)
		}
	}
	for i, u := range f.Users {
		for k, v := range u.Skills {
			if v < 0 || v > 100 {
				return f.errorf(f.line("users", i, "skills"), "users[%d].skills.%s: level must be 0–100", i, k)
			}
		}
	}
	return nil
}

// validateReasons checks not_ready_reasons (parley.CheckNotReadyReasons).
func (f *File) validateReasons() error {
	i, err := parley.CheckNotReadyReasons(f.NotReadyReasons)
	if err == nil {
		return nil
	}
	msg := parley.ErrorMessage(err)
	if i < 0 {
		return f.errorf(f.line("not_ready_reasons", -1, ""), "not_ready_reasons: %s", msg)
	}
	return f.errorf(f.line("not_ready_reasons", i, ""), "not_ready_reasons[%d]: %s", i, msg)
}

// applyServiceRouting stores a service's routing block, if it has one.
func applyServiceRouting(ctx context.Context, st parley.Store, serviceID string, s Service) error {
	if s.Routing == nil {
		return nil
	}
	rs, err := s.Routing.Domain()
	if err == nil {
		err = st.SetServiceRouting(ctx, serviceID, rs)
	}
	if err != nil {
		return fmt.Errorf("config: apply routing of service %q: %w", s.Name, err)
	}
	return nil
}

// applySkills stores a user's skills when the file declares them.
func applySkills(ctx context.Context, st parley.Store, userID string, u User) error {
	if u.Skills == nil {
		return nil
	}
	if err := st.SetAgentSkills(ctx, userID, u.Skills); err != nil {
		return fmt.Errorf("config: apply skills of %q: %w", u.Username, err)
	}
	return nil
}
