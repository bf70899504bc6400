package faketelegram

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
)

// maxBody bounds a request body (the Bot API takes 50 MB uploads; the fake
// needs less).
const maxBody = 60 << 20

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	rec := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	token, method, filePath, ok := splitPath(r.URL.Path)
	if !ok {
		s.record(rec)
		writeError(w, http.StatusNotFound, "Not Found", nil)
		return
	}
	if filePath == "" {
		rec.APIMethod = method
		rec.Params = params(r, body)
	}
	s.record(rec)
	if s.fault(w) {
		return
	}
	bot, known := s.bot(token)
	switch {
	case !known && looksLikeToken(token):
		writeError(w, http.StatusUnauthorized, "Unauthorized", nil)
	case !known:
		writeError(w, http.StatusNotFound, "Not Found", nil)
	case filePath != "":
		s.serveFile(w, filePath)
	default:
		s.dispatch(w, token, bot, method, rec.Params)
	}
}

// splitPath reads /bot<token>/<method> or /file/bot<token>/<path>.
func splitPath(p string) (token, method, filePath string, ok bool) {
	if rest, isFile := strings.CutPrefix(p, "/file/bot"); isFile {
		token, filePath, ok = strings.Cut(rest, "/")
		return token, "", filePath, ok && filePath != ""
	}
	rest, found := strings.CutPrefix(p, "/bot")
	if !found {
		return "", "", "", false
	}
	token, method, ok = strings.Cut(rest, "/")
	return token, method, "", ok && method != "" && !strings.Contains(method, "/")
}

// looksLikeToken: Telegram answers 401 for a well-formed unknown token and
// 404 for a malformed one.
func looksLikeToken(t string) bool {
	id, secret, ok := strings.Cut(t, ":")
	return ok && id != "" && secret != "" && strings.Trim(id, "0123456789") == ""
}

func (s *Server) bot(token string) (Bot, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.bots[token]
	return b, ok
}

// params reads a request's parameters from the query, a JSON body, a form
// or a multipart form (an uploaded file shows as "upload:<filename>").
func params(r *http.Request, body []byte) map[string]string {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	ct, ps, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		jsonParams(body, out)
	case "application/x-www-form-urlencoded":
		if v, err := url.ParseQuery(string(body)); err == nil {
			for k := range v {
				out[k] = v.Get(k)
			}
		}
	case "multipart/form-data":
		multipartParams(body, ps["boundary"], out)
	}
	return out
}

func jsonParams(body []byte, out map[string]string) {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return
	}
	for k, v := range m {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
		} else {
			out[k] = string(v)
		}
	}
}

func multipartParams(body []byte, boundary string, out map[string]string) {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			return
		}
		data, _ := io.ReadAll(p)
		if p.FileName() != "" {
			out[p.FormName()] = "upload:" + p.FileName()
		} else {
			out[p.FormName()] = string(data)
		}
	}
}

// writeOK answers {"ok":true,"result":result} (plus a description).
func writeOK(w http.ResponseWriter, result any, description string) {
	env := map[string]any{"ok": true, "result": result}
	if description != "" {
		env["description"] = description
	}
	writeJSON(w, http.StatusOK, env)
}

// writeError answers the Bot API error envelope.
func writeError(w http.ResponseWriter, status int, description string, parameters map[string]any) {
	env := map[string]any{"ok": false, "error_code": status, "description": description}
	if parameters != nil {
		env["parameters"] = parameters
	}
	writeJSON(w, status, env)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
