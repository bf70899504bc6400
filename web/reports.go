package web

import (
	"encoding/csv"
	"net/http"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/metrics"
)

// reportRequest reads a report's range from the query: from and to are
// dates (YYYY-MM-DD, local to the tenant's time zone, to included) or
// RFC 3339 times (to excluded); both default to today. interval is 15m,
// hour or day (default hour); service (repeatable) narrows it.
func (s *Server) reportRequest(r *http.Request) (conversation.ReportRequest, error) {
	u := userFrom(r.Context())
	loc, err := s.Conversations.ReportLocation(r.Context(), u.TenantID)
	if err != nil {
		return conversation.ReportRequest{}, err
	}
	q := r.URL.Query()
	y, m, d := time.Now().In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	req := conversation.ReportRequest{From: today, To: today.AddDate(0, 0, 1), Interval: metrics.Hour, ServiceIDs: q["service"]}
	parse := func(name string, dst *time.Time, dateEnd bool) error {
		v := q.Get(name)
		if v == "" {
			return nil
		}
		if t, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
			if dateEnd {
				t = t.AddDate(0, 0, 1)
			}
			*dst = t
			return nil
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return parley.Errorf(parley.EINVALID, "%s: %q is neither a date (2026-12-04) nor an RFC 3339 time", name, v)
		}
		*dst = t
		return nil
	}
	if err := parse("from", &req.From, false); err != nil {
		return req, err
	}
	if err := parse("to", &req.To, true); err != nil {
		return req, err
	}
	if v := q.Get("interval"); v != "" {
		req.Interval = metrics.Interval(v)
	}
	return req, req.Validate()
}

func (s *Server) report(w http.ResponseWriter, r *http.Request, names ...string) (*conversation.Report, bool) {
	req, err := s.reportRequest(r)
	if err == nil {
		var rep *conversation.Report
		if rep, err = s.Conversations.Report(r.Context(), userFrom(r.Context()), req, names...); err == nil {
			return rep, true
		}
	}
	s.writeError(w, r, err)
	return nil, false
}

// reportView answers every table of the report.
func (s *Server) reportView(w http.ResponseWriter, r *http.Request) {
	if rep, ok := s.report(w, r); ok {
		writeJSON(w, http.StatusOK, rep)
	}
}

// reportTable answers one table.
func (s *Server) reportTable(w http.ResponseWriter, r *http.Request) {
	if rep, ok := s.report(w, r, r.PathValue("table")); ok {
		writeJSON(w, http.StatusOK, rep.Tables[0])
	}
}

// reportCSV downloads one table as CSV: a header of the column titles
// (with their unit), then the cells exactly as the page shows them.
func (s *Server) reportCSV(w http.ResponseWriter, r *http.Request) {
	rep, ok := s.report(w, r, r.PathValue("table"))
	if !ok {
		return
	}
	t := rep.Tables[0]
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="parley-`+t.Name+`-`+rep.From.Format("20060102")+`.csv"`)
	cw := csv.NewWriter(w)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Title
		if c.Unit != "" {
			head[i] += " (" + c.Unit + ")"
		}
	}
	_ = cw.Write(head)
	_ = cw.WriteAll(t.Rows) // flushes; a write error means the client went away
}
