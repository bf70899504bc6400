package scenario

import (
	"fmt"
	"sort"
)

// Params reads a block's parameters, collecting every problem instead of
// stopping at the first, and remembers which keys were used so unknown keys
// can be reported.
type Params struct {
	raw  map[string]any
	used map[string]bool
	errs []*FieldError
	// Items of a list read with Maps report to their parent, with their
	// key prefixed ("branches[0].when").
	prefix string
	parent *Params
}

// FieldError is a problem with one parameter of a block.
type FieldError struct {
	Field string
	Msg   string
}

func newParams(raw map[string]any) *Params {
	return &Params{raw: raw, used: map[string]bool{}}
}

func (p *Params) fail(field, format string, args ...any) {
	if p.parent != nil {
		p.parent.fail(p.prefix+field, format, args...)
		return
	}
	p.errs = append(p.errs, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

// String returns a string parameter; required ones must be non-empty.
func (p *Params) String(key string, required bool) string {
	p.used[key] = true
	v, ok := p.raw[key]
	if !ok || v == nil {
		if required {
			p.fail(key, "required")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		p.fail(key, "must be text")
		return ""
	}
	if required && s == "" {
		p.fail(key, "required")
	}
	return s
}

// Int returns an integer parameter, def when absent.
func (p *Params) Int(key string, def int) int {
	p.used[key] = true
	v, ok := p.raw[key]
	if !ok || v == nil {
		return def
	}
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		if n == float64(int(n)) {
			return int(n)
		}
	}
	p.fail(key, "must be a whole number")
	return def
}

// unknown reports keys that no getter asked for.
func (p *Params) unknown() {
	var keys []string
	for k := range p.raw {
		if !p.used[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		p.fail(k, "unknown parameter")
	}
}
