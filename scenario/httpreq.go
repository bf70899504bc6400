package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// httpRequest calls an outside system or a chatbot API and maps fields of
// its JSON answer into variables. It leaves through the default exit on a
// 2xx answer, "error" on any other answer or failure, and "timeout" when
// the call takes too long. $(http_status) holds the status code.
type httpRequest struct {
	method  string
	url     string
	headers map[string]string
	body    any // text, or a mapping sent as JSON; $(variables) expanded
	timeout time.Duration
	mapping map[string]string // variable → dotted path in the JSON answer
}

// maxHTTPAnswer bounds how much of an answer is read.
const maxHTTPAnswer = 1 << 20

func newHTTPRequest(p *Params) Block {
	b := &httpRequest{
		method:  strings.ToUpper(p.String("method", false)),
		url:     p.String("url", true),
		headers: p.StringMap("headers"),
		body:    p.Raw("body"),
		timeout: p.Duration("timeout", 10*time.Second),
		mapping: p.StringMap("map"),
	}
	if b.method == "" {
		b.method = http.MethodGet
		if b.body != nil {
			b.method = http.MethodPost
		}
	}
	switch b.method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		p.Failf("method", "must be GET, POST, PUT, PATCH or DELETE")
	}
	if u, err := url.Parse(strings.ReplaceAll(b.url, "$(", "x")); b.url != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https" && !strings.HasPrefix(b.url, "$("))) {
		p.Failf("url", "must be an http:// or https:// URL")
	}
	for name := range b.mapping {
		if !varName.MatchString(name) {
			p.Failf("map."+name, "not a valid variable name")
		}
	}
	if b.timeout <= 0 {
		p.Failf("timeout", "must be positive")
	}
	return b
}

func (b *httpRequest) Run(ctx context.Context, x *Exec) (Step, error) {
	env, ok := environment(x)
	if !ok {
		return Step{}, errors.New("http request: the runtime cannot make HTTP calls")
	}
	body, ctype, err := b.encodeBody(x)
	if err != nil {
		return Step{}, fmt.Errorf("http request: %w", err)
	}
	cctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, b.method, Expand(b.url, x.Vars), body)
	if err != nil {
		x.Set("http_error", err.Error())
		return Step{Exit: "error"}, nil
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range b.headers {
		req.Header.Set(k, Expand(v, x.Vars))
	}
	resp, err := env.HTTPClient().Do(req)
	if err != nil {
		x.Set("http_status", "0")
		x.Set("http_error", err.Error())
		if errors.Is(cctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			return Step{Exit: "timeout"}, nil
		}
		if ctx.Err() != nil {
			return Step{}, ctx.Err()
		}
		return Step{Exit: "error"}, nil
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxHTTPAnswer))
	x.Set("http_status", strconv.Itoa(resp.StatusCode))
	x.Unset("http_error")
	switch {
	case err != nil && errors.Is(cctx.Err(), context.DeadlineExceeded):
		return Step{Exit: "timeout"}, nil
	case err != nil:
		x.Set("http_error", err.Error())
		return Step{Exit: "error"}, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return Step{Exit: "error"}, nil
	}
	if len(b.mapping) > 0 {
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			x.Set("http_error", "answer is not JSON: "+err.Error())
			return Step{Exit: "error"}, nil
		}
		for name, path := range b.mapping {
			x.Set(name, jsonText(lookup(doc, path)))
		}
	}
	return Step{}, nil
}

func (b *httpRequest) encodeBody(x *Exec) (io.Reader, string, error) {
	switch v := b.body.(type) {
	case nil:
		return nil, "", nil
	case string:
		return strings.NewReader(Expand(v, x.Vars)), "text/plain; charset=utf-8", nil
	}
	data, err := json.Marshal(expandAll(b.body, x.Vars))
	if err != nil {
		return nil, "", err
	}
	return bytes.NewReader(data), "application/json", nil
}

// expandAll expands $(variables) in every text of a YAML value.
func expandAll(v any, vars map[string]string) any {
	switch t := v.(type) {
	case string:
		return Expand(t, vars)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = expandAll(e, vars)
		}
		return out
	}
	if m, ok := asMap(v); ok {
		out := make(map[string]any, len(m))
		for k, e := range m {
			out[k] = expandAll(e, vars)
		}
		return out
	}
	return v
}

// lookup follows a dotted path ("reply.text", "items.0.id") into a JSON
// document; nil when it leads nowhere.
func lookup(doc any, path string) any {
	for part := range strings.SplitSeq(path, ".") {
		switch t := doc.(type) {
		case map[string]any:
			doc = t[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			doc = t[i]
		default:
			return nil
		}
	}
	return doc
}

// jsonText renders a JSON value as a variable's text.
func jsonText(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	}
	data, _ := json.Marshal(v)
	return string(data)
}
