package conversation

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
)

// ReportRequest is what a report covers: [From, To) cut into Interval
// lengths in the tenant's time zone, for some services (all if none).
type ReportRequest struct {
	From, To   time.Time
	Interval   metrics.Interval
	ServiceIDs []string
}

// maxReportRange bounds a report's range.
const maxReportRange = 400 * 24 * time.Hour

// maxInteractions bounds the interaction detail table.
const maxInteractions = 5000

// Validate reports a bad range.
func (r ReportRequest) Validate() error {
	switch {
	case r.From.IsZero() || r.To.IsZero() || !r.From.Before(r.To):
		return parley.Errorf(parley.EINVALID, "report: from must be before to")
	case r.To.Sub(r.From) > maxReportRange:
		return parley.Errorf(parley.EINVALID, "report: the range is longer than 400 days")
	}
	if _, err := metrics.ParseInterval(string(r.Interval)); err != nil {
		return parley.Errorf(parley.EINVALID, "report: interval must be 15m, hour or day")
	}
	return nil
}

// Table is one table of a report: every page (HTML, JSON, CSV) shows its
// cells as they are, so they cannot disagree.
type Table struct {
	Name    string     `json:"name"`
	Title   string     `json:"title"`
	Columns []Column   `json:"columns"`
	Rows    [][]string `json:"rows"`
	Note    string     `json:"note,omitempty"`
}

// Column is a table column; Unit is "", "s" or "%".
type Column struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Unit  string `json:"unit,omitempty"`
}

// Cell returns the cell of row i under the column key ("" if none).
func (t *Table) Cell(i int, key string) string {
	for j, c := range t.Columns {
		if c.Key == key && i < len(t.Rows) {
			return t.Rows[i][j]
		}
	}
	return ""
}

// ReportTable builds one table of the reports page. Parley's own are
// services, agents, intervals, interactions, dispositions, surveys and
// quality evaluations;
// other parts (quality grading) add theirs with AddReportTable.
type ReportTable struct {
	Name  string
	Title string
	Build func(ctx context.Context, s *Service, tenant string, r ReportRequest, loc *time.Location) (*Table, error)
}

// AddReportTable adds a table to the reports (call before serving).
func (s *Service) AddReportTable(t ReportTable) { s.reports = append(s.reports, t) }

// ReportTables lists the tables in the order the page shows them.
func (s *Service) ReportTables() []ReportTable {
	return append(append([]ReportTable{}, builtinTables...), s.reports...)
}

var builtinTables = []ReportTable{
	{"services", "Service performance", serviceTable},
	{"agents", "Agent performance", agentTable},
	{"intervals", "By interval", intervalTable},
	{"interactions", "Interaction detail", interactionTable},
	{"dispositions", "Dispositions", dispositionTable},
	{"surveys", "Survey results", surveyTable},
	{"quality", "Quality evaluations", qualityTable},
	{"self_service", "Self-service", selfServiceTable},
	{"articles", "Knowledge base articles", articleTable},
}

// Report is a report's tables over one request.
type Report struct {
	From     time.Time        `json:"from"`
	To       time.Time        `json:"to"`
	Interval metrics.Interval `json:"interval"`
	TimeZone string           `json:"time_zone"`
	Tables   []*Table         `json:"tables"`
}

// Report builds the named tables (all if none) for the user's tenant.
func (s *Service) Report(ctx context.Context, u *parley.User, r ReportRequest, names ...string) (*Report, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if err := scopeReport(u, &r); err != nil {
		return nil, err
	}
	loc, err := s.ReportLocation(ctx, u.TenantID)
	if err != nil {
		return nil, err
	}
	out := &Report{From: r.From.In(loc), To: r.To.In(loc), Interval: r.Interval, TimeZone: loc.String()}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	found := 0
	for _, t := range s.ReportTables() {
		if len(names) > 0 && !want[t.Name] {
			continue
		}
		found++
		tab, err := t.Build(ctx, s, u.TenantID, r, loc)
		if err != nil {
			return nil, err
		}
		tab.Name, tab.Title = t.Name, t.Title
		out.Tables = append(out.Tables, tab)
	}
	if found < len(want) {
		return nil, parley.Errorf(parley.ENOTFOUND, "report table not found")
	}
	return out, nil
}

// agentNames maps the tenant's user ids to display names.
func (s *Service) agentNames(ctx context.Context, tenant string) (map[string]string, error) {
	users, err := s.Store.Users(ctx, tenant)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.DisplayName
	}
	return names, nil
}

// serviceNames maps the tenant's service ids to names.
func (s *Service) serviceNames(ctx context.Context, tenant string) (map[string]string, []*parley.Service, error) {
	return serviceNamesIn(ctx, s.Store, tenant)
}

// serviceNamesIn is serviceNames reading st (a transaction's store).
func serviceNamesIn(ctx context.Context, st parley.Store, tenant string) (map[string]string, []*parley.Service, error) {
	svcs, err := st.Services(ctx, tenant)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, sv := range svcs {
		names[sv.ID] = sv.Name
	}
	return names, svcs, nil
}

func figureColumns(first []Column, figs []metrics.Figure) []Column {
	cols := append([]Column{}, first...)
	for _, f := range figs {
		cols = append(cols, Column{Key: f.Key, Title: f.Title, Unit: f.Unit})
	}
	return cols
}

func figureRow(first []string, figs []metrics.Figure, c metrics.Counters) []string {
	row := append([]string{}, first...)
	for _, f := range figs {
		row = append(row, f.Text(c))
	}
	return row
}

func wanted(ids []string, id string) bool {
	if len(ids) == 0 {
		return true
	}
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func serviceTable(ctx context.Context, s *Service, tenant string, r ReportRequest, _ *time.Location) (*Table, error) {
	mr, err := s.metricReader()
	if err != nil {
		return nil, err
	}
	names, svcs, err := s.serviceNames(ctx, tenant)
	if err != nil {
		return nil, err
	}
	rows, err := mr.MetricTotals(ctx, metrics.Query{TenantID: tenant, From: r.From, To: r.To, ServiceIDs: r.ServiceIDs})
	if err != nil {
		return nil, err
	}
	by := map[string]metrics.Counters{}
	var total metrics.Counters
	for _, sr := range metrics.ServiceReports(rows) {
		by[sr.ServiceID] = sr.Counters
		total.Add(sr.Counters)
	}
	t := &Table{Columns: figureColumns([]Column{{Key: "service", Title: "Service"}}, metrics.ServiceFigures)}
	for _, sv := range svcs {
		if wanted(r.ServiceIDs, sv.ID) {
			t.Rows = append(t.Rows, figureRow([]string{names[sv.ID]}, metrics.ServiceFigures, by[sv.ID]))
		}
	}
	t.Rows = append(t.Rows, figureRow([]string{"All services"}, metrics.ServiceFigures, total))
	return t, nil
}

func agentTable(ctx context.Context, s *Service, tenant string, r ReportRequest, _ *time.Location) (*Table, error) {
	mr, err := s.metricReader()
	if err != nil {
		return nil, err
	}
	rows, err := mr.MetricTotals(ctx, metrics.Query{TenantID: tenant, From: r.From, To: r.To, Agents: true, ServiceIDs: r.ServiceIDs})
	if err != nil {
		return nil, err
	}
	names, err := s.agentNames(ctx, tenant)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: figureColumns([]Column{{Key: "agent", Title: "Agent"}}, metrics.AgentFigures)}
	for _, ar := range metrics.AgentReports(rows) {
		name := names[ar.AgentID]
		if name == "" {
			name = ar.AgentID
		}
		t.Rows = append(t.Rows, figureRow([]string{name}, metrics.AgentFigures, ar.Counters))
	}
	sort.SliceStable(t.Rows, func(i, j int) bool { return t.Rows[i][0] < t.Rows[j][0] })
	return t, nil
}

func intervalTable(ctx context.Context, s *Service, tenant string, r ReportRequest, loc *time.Location) (*Table, error) {
	mr, err := s.metricReader()
	if err != nil {
		return nil, err
	}
	rows, err := mr.MetricIntervals(ctx, metrics.Query{TenantID: tenant, From: r.From, To: r.To, ServiceIDs: r.ServiceIDs}, r.Interval, loc)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: figureColumns([]Column{{Key: "start", Title: "Interval start"}}, metrics.ServiceFigures)}
	for _, ir := range metrics.IntervalReports(rows, r.Interval, loc) {
		t.Rows = append(t.Rows, figureRow([]string{ir.Start.Format("2006-01-02 15:04 -07:00")}, metrics.ServiceFigures, ir.Counters))
	}
	return t, nil
}

func interactionTable(ctx context.Context, s *Service, tenant string, r ReportRequest, loc *time.Location) (*Table, error) {
	mr, err := s.metricReader()
	if err != nil {
		return nil, err
	}
	names, _, err := s.serviceNames(ctx, tenant)
	if err != nil {
		return nil, err
	}
	agents, err := s.agentNames(ctx, tenant)
	if err != nil {
		return nil, err
	}
	ths, err := s.Store.ServiceThresholds(ctx, tenant)
	if err != nil {
		return nil, err
	}
	cfg := metrics.ConfigFor(ths)
	tls, err := mr.ChatTimelines(ctx, tenant, r.From, r.To, r.ServiceIDs, maxInteractions+1)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: []Column{{Key: "chat", Title: "Chat"}, {Key: "started", Title: "Entered"}, {Key: "service", Title: "Service"},
		{Key: "agent", Title: "Agent"}, {Key: "outcome", Title: "Outcome"}, {Key: "wait", Title: "Wait", Unit: "s"},
		{Key: "first_response", Title: "First response", Unit: "s"}, {Key: "handle", Title: "Handle time", Unit: "s"},
		{Key: "transfers", Title: "Transfers"}, {Key: "disposition", Title: "Disposition"}, {Key: "score", Title: "Survey score"}}}
	if len(tls) > maxInteractions {
		tls = tls[:maxInteractions]
		t.Note = "The first " + strconv.Itoa(maxInteractions) + " chats of the range; narrow it to see the others."
	}
	for _, tl := range tls {
		in := metrics.Describe(tl, cfg)
		if !wanted(r.ServiceIDs, in.ServiceID) {
			continue
		}
		sec := func(d time.Duration, ok bool) string {
			if !ok {
				return "—"
			}
			return strconv.FormatInt(int64(d/time.Second), 10)
		}
		score := "—"
		if in.Score > 0 {
			score = strconv.Itoa(in.Score)
		}
		c := in.Counters
		t.Rows = append(t.Rows, []string{in.ChatID, in.Start.In(loc).Format("2006-01-02 15:04:05"), names[in.ServiceID],
			agents[in.AgentID], in.Outcome, sec(in.Wait, in.Waited), sec(c.AverageFirstResponse()), sec(time.Duration(c.HandleMicros)*time.Microsecond, c.Handled > 0),
			strconv.FormatInt(c.Transfers, 10), in.Disposition, score})
	}
	return t, nil
}

func dispositionTable(ctx context.Context, s *Service, tenant string, r ReportRequest, _ *time.Location) (*Table, error) {
	return countTable(ctx, s, tenant, r, parley.FactDispositionSet,
		[]Column{{Key: "service", Title: "Service"}, {Key: "agent", Title: "Agent"}, {Key: "disposition", Title: "Disposition"}, {Key: "count", Title: "Chats"}},
		func(c parley.FactCount, svc, agent string) []string {
			return []string{svc, agent, c.Disposition, strconv.FormatInt(c.N, 10)}
		})
}

func surveyTable(ctx context.Context, s *Service, tenant string, r ReportRequest, _ *time.Location) (*Table, error) {
	mr, err := s.metricReader()
	if err != nil {
		return nil, err
	}
	names, svcs, err := s.serviceNames(ctx, tenant)
	if err != nil {
		return nil, err
	}
	counts, err := mr.FactCounts(ctx, tenant, parley.FactSurveyAnswered, r.From, r.To)
	if err != nil {
		return nil, err
	}
	rows, err := mr.MetricTotals(ctx, metrics.Query{TenantID: tenant, From: r.From, To: r.To, ServiceIDs: r.ServiceIDs})
	if err != nil {
		return nil, err
	}
	agg := map[string]metrics.Counters{}
	for _, sr := range metrics.ServiceReports(rows) {
		agg[sr.ServiceID] = sr.Counters
	}
	dist := map[string]*[6]int64{}
	for _, c := range counts {
		if dist[c.ServiceID] == nil {
			dist[c.ServiceID] = &[6]int64{}
		}
		if c.Score >= 1 && c.Score <= 5 {
			dist[c.ServiceID][c.Score] += c.N
		}
	}
	t := &Table{Columns: []Column{{Key: "service", Title: "Service"}, {Key: "survey_answers", Title: "Answers"},
		{Key: "score_1", Title: "1"}, {Key: "score_2", Title: "2"}, {Key: "score_3", Title: "3"}, {Key: "score_4", Title: "4"},
		{Key: "score_5", Title: "5"}, {Key: "csat", Title: "CSAT", Unit: "%"}},
		Note: "Scores 1–5 count the answers given in the range; answers and CSAT count with the chats' queue intervals (docs/METRICS.md)."}
	for _, sv := range svcs {
		if !wanted(r.ServiceIDs, sv.ID) {
			continue
		}
		d := dist[sv.ID]
		if d == nil {
			d = &[6]int64{}
		}
		row := []string{names[sv.ID], metrics.FigSurveyAnswers.Text(agg[sv.ID])}
		for i := 1; i <= 5; i++ {
			row = append(row, strconv.FormatInt(d[i], 10))
		}
		t.Rows = append(t.Rows, append(row, metrics.FigCSAT.Text(agg[sv.ID])))
	}
	return t, nil
}

// countTable lists fact counts of kind by service and agent.
func countTable(ctx context.Context, s *Service, tenant string, r ReportRequest, kind string, cols []Column,
	row func(c parley.FactCount, svc, agent string) []string) (*Table, error) {
	counts, names, agents, err := s.namedFactCounts(ctx, tenant, r, kind)
	if err != nil {
		return nil, err
	}
	t := &Table{Columns: cols}
	for _, c := range counts {
		t.Rows = append(t.Rows, row(c, names[c.ServiceID], agents[c.AgentID]))
	}
	return t, nil
}

// namedFactCounts reads the counts of kind's facts in r's range and
// services, with the names of their services and agents.
func (s *Service) namedFactCounts(ctx context.Context, tenant string, r ReportRequest, kind string) (
	counts []parley.FactCount, services, agents map[string]string, err error) {
	mr, err := s.metricReader()
	if err != nil {
		return nil, nil, nil, err
	}
	if services, _, err = s.serviceNames(ctx, tenant); err != nil {
		return nil, nil, nil, err
	}
	if agents, err = s.agentNames(ctx, tenant); err != nil {
		return nil, nil, nil, err
	}
	all, err := mr.FactCounts(ctx, tenant, kind, r.From, r.To)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, c := range all {
		if wanted(r.ServiceIDs, c.ServiceID) {
			counts = append(counts, c)
		}
	}
	return counts, services, agents, nil
}

// qualityTable sums up the evaluations graded in the range by service and
// agent: how many, and their average, lowest and highest score.
func qualityTable(ctx context.Context, s *Service, tenant string, r ReportRequest, _ *time.Location) (*Table, error) {
	counts, names, agents, err := s.namedFactCounts(ctx, tenant, r, parley.FactGraded)
	if err != nil {
		return nil, err
	}
	type sum struct {
		n, total int64
		lo, hi   int
	}
	sums := map[[2]string]*sum{}
	var keys [][2]string
	for _, c := range counts {
		k := [2]string{c.ServiceID, c.AgentID}
		g := sums[k]
		if g == nil {
			g = &sum{lo: c.Score, hi: c.Score}
			sums[k] = g
			keys = append(keys, k)
		}
		g.n += c.N
		g.total += int64(c.Score) * c.N
		g.lo, g.hi = min(g.lo, c.Score), max(g.hi, c.Score)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if names[a[0]] != names[b[0]] {
			return names[a[0]] < names[b[0]]
		}
		return agents[a[1]] < agents[b[1]]
	})
	t := &Table{Columns: []Column{{Key: "service", Title: "Service"}, {Key: "agent", Title: "Agent"},
		{Key: "evaluations", Title: "Evaluations"}, {Key: "avg_score", Title: "Average score", Unit: "%"},
		{Key: "min_score", Title: "Lowest", Unit: "%"}, {Key: "max_score", Title: "Highest", Unit: "%"}},
		Note: "Evaluations graded in the range with the quality forms (Quality → Forms), by the chat's agent."}
	for _, k := range keys {
		g := sums[k]
		avg := float64(g.total) / float64(g.n)
		t.Rows = append(t.Rows, []string{names[k[0]], agents[k[1]], strconv.FormatInt(g.n, 10),
			strconv.FormatFloat(avg, 'f', 1, 64), strconv.Itoa(g.lo), strconv.Itoa(g.hi)})
	}
	return t, nil
}
