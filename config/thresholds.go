package config

import (
	"context"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parleycc/parley"
)

// ServiceThresholds declares a service's thresholds (see
// parley.ServiceThresholds and docs/METRICS.md). Durations are Go
// durations ("20s", "30m"); a field left out keeps its default.
type ServiceThresholds struct {
	ServiceLevel       string `yaml:"service_level,omitempty"`        // T; default 60s
	ServiceLevelTarget *int   `yaml:"service_level_target,omitempty"` // percent; default 80
	Dropout            string `yaml:"dropout,omitempty"`              // short-abandon limit; default 10s
	ChatTimeLimit      string `yaml:"chat_time_limit,omitempty"`      // default 30m; 0s: none
	MaxWait            string `yaml:"max_wait,omitempty"`             // longest wait before red; default none
}

// Domain converts the declaration; the error names the field.
func (t *ServiceThresholds) Domain(serviceID string) (parley.ServiceThresholds, string, error) {
	out := parley.DefaultThresholds(serviceID)
	for _, d := range []struct {
		field string
		text  string
		dst   *time.Duration
	}{
		{"service_level", t.ServiceLevel, &out.ServiceLevel}, {"dropout", t.Dropout, &out.Dropout},
		{"chat_time_limit", t.ChatTimeLimit, &out.ChatTimeLimit}, {"max_wait", t.MaxWait, &out.MaxWait},
	} {
		if d.text == "" {
			continue
		}
		v, err := time.ParseDuration(d.text)
		if err != nil || v < 0 || (d.field == "service_level" && v == 0) {
			return out, d.field, fmt.Errorf("%q is not a positive duration like 20s or 5m", d.text)
		}
		*d.dst = v
	}
	if t.ServiceLevelTarget != nil {
		out.ServiceLevelTarget = *t.ServiceLevelTarget
		if out.ServiceLevelTarget < 1 || out.ServiceLevelTarget > 100 {
			return out, "service_level_target", fmt.Errorf("must be 1–100 (percent), not %d", out.ServiceLevelTarget)
		}
	}
	return out, "", nil
}

// validateThresholds checks the services' thresholds and the time zone;
// errors point at the field's line.
func (f *File) validateThresholds() error {
	if f.TimeZone != "" {
		if _, err := time.LoadLocation(f.TimeZone); err != nil {
			return f.errorf(f.line("time_zone", -1, ""), "time_zone: %q is not an IANA time zone like Europe/Paris", f.TimeZone)
		}
	}
	for i, s := range f.Services {
		if s.Thresholds == nil {
			continue
		}
		if _, field, err := s.Thresholds.Domain(""); err != nil {
			return f.errorf(f.thresholdLine(i, field), "services[%d].thresholds.%s: %v", i, field, err)
		}
	}
	return nil
}

// thresholdLine finds services[i].thresholds.field.
func (f *File) thresholdLine(i int, field string) int {
	n := f.root
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	sec := mapValue(n, "services")
	if sec == nil || sec.Kind != yaml.SequenceNode || i >= len(sec.Content) {
		return f.line("services", i, "thresholds")
	}
	if th := mapValue(sec.Content[i], "thresholds"); th != nil {
		if v := mapKey(th, field); v != nil {
			return v.Line
		}
	}
	return f.line("services", i, "thresholds")
}

// applyThresholds stores a service's thresholds when it declares them.
func applyThresholds(ctx context.Context, st parley.Store, serviceID string, s Service) error {
	if s.Thresholds == nil {
		return nil
	}
	t, _, err := s.Thresholds.Domain(serviceID)
	if err == nil {
		err = st.SetServiceThresholds(ctx, t)
	}
	if err != nil {
		return fmt.Errorf("config: apply thresholds of service %q: %w", s.Name, err)
	}
	return nil
}
