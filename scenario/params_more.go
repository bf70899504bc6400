package scenario

import (
	"fmt"
	"time"
)

// Duration returns a duration parameter written like "30s" or "5m", def
// when absent.
func (p *Params) Duration(key string, def time.Duration) time.Duration {
	p.used[key] = true
	v, ok := p.raw[key]
	if !ok || v == nil {
		return def
	}
	s, ok := v.(string)
	if !ok {
		p.fail(key, "must be a duration such as 30s or 5m")
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		p.fail(key, "must be a duration such as 30s or 5m, not %q", s)
		return def
	}
	return d
}

// Bool returns a yes/no parameter, def when absent.
func (p *Params) Bool(key string, def bool) bool {
	p.used[key] = true
	v, ok := p.raw[key]
	if !ok || v == nil {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		p.fail(key, "must be true or false")
		return def
	}
	return b
}

// Strings returns a list of texts; a single text is a list of one.
func (p *Params) Strings(key string) []string {
	p.used[key] = true
	switch v := p.raw[key].(type) {
	case nil:
		return nil
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				p.fail(fmt.Sprintf("%s[%d]", key, i), "must be text")
				continue
			}
			out = append(out, s)
		}
		return out
	case []string:
		return v
	}
	p.fail(key, "must be a list of texts")
	return nil
}

// StringMap returns a mapping of texts to texts.
func (p *Params) StringMap(key string) map[string]string {
	p.used[key] = true
	v, ok := p.raw[key]
	if !ok || v == nil {
		return nil
	}
	m, ok := asMap(v)
	if !ok {
		p.fail(key, "must be a mapping")
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		s, ok := e.(string)
		if !ok {
			p.fail(key+"."+k, "must be text")
			continue
		}
		out[k] = s
	}
	return out
}

// Maps returns a list of mappings, each read through its own Params so
// unknown keys inside items are reported too.
func (p *Params) Maps(key string) []*Params {
	p.used[key] = true
	v, ok := p.raw[key]
	if !ok || v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		p.fail(key, "must be a list")
		return nil
	}
	out := make([]*Params, 0, len(list))
	for i, e := range list {
		m, ok := asMap(e)
		if !ok {
			p.fail(fmt.Sprintf("%s[%d]", key, i), "must be a mapping")
			continue
		}
		out = append(out, &Params{raw: m, used: map[string]bool{}, prefix: fmt.Sprintf("%s[%d].", key, i), parent: p})
	}
	return out
}

// Raw returns a parameter as written, marking it used.
func (p *Params) Raw(key string) any {
	p.used[key] = true
	return p.raw[key]
}

// Failf records a problem with a parameter; block constructors use it for
// checks beyond a value's type.
func (p *Params) Failf(key, format string, args ...any) {
	p.fail(key, format, args...)
}

// done reports the unknown keys of an item read with Maps.
func (p *Params) done() {
	p.unknown()
}

func asMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, e := range m {
			out[fmt.Sprint(k)] = e
		}
		return out, true
	}
	return nil, false
}
