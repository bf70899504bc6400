package config

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// Export reads a tenant's configuration back from the store as the file
// that re-creates it: applied to an empty database it gives the same
// setup, and exporting that database gives the same file. Secrets are not
// written: an account's tokens and secret settings become ${ENV}
// references (SecretEnv names them), as are webhooks' secrets
// (WebhookSecretEnv), and users keep their password hashes.
// Deactivated users are left out (a file cannot deactivate).
func Export(ctx context.Context, st parley.Store, tenant string) (*File, error) {
	x := exporter{ctx: ctx, st: st, tenant: tenant, f: &File{}}
	if tenant != parley.DefaultTenant {
		x.f.Tenant = tenant
	}
	for _, step := range []func() error{x.tenantSettings, x.accounts, x.schedules, x.services, x.teams, x.users, x.canned, x.scenarios, x.entries, x.forms, x.webhooks} {
		if err := step(); err != nil {
			return nil, fmt.Errorf("config: export: %w", err)
		}
	}
	return x.f, nil
}

// Marshal writes the file as YAML.
func (f *File) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("config: write YAML: %w", err)
	}
	return buf.Bytes(), enc.Close()
}

var notEnvChar = regexp.MustCompile(`[^A-Z0-9]+`)

// SecretEnv is the environment variable an exported file reads an
// account's secret field from: PARLEY_<ACCOUNT>_<FIELD>.
func SecretEnv(account, field string) string {
	return "PARLEY_" + strings.Trim(notEnvChar.ReplaceAllString(strings.ToUpper(account), "_"), "_") + "_" +
		notEnvChar.ReplaceAllString(strings.ToUpper(field), "_")
}

type exporter struct {
	ctx          context.Context
	st           parley.Store
	tenant       string
	f            *File
	accountNames map[string]string // id → name
	serviceNames map[string]string // id → name
	activeUsers  []*parley.User    // by username
}

func (x *exporter) tenantSettings() error {
	t, err := x.st.Tenant(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	x.f.NotReadyReasons = t.NotReadyReasons
	x.f.TimeZone, err = x.st.TenantTimeZone(x.ctx, x.tenant)
	return err
}

func (x *exporter) accounts() error {
	accts, err := x.st.Accounts(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	slices.SortFunc(accts, func(a, b *parley.Account) int { return strings.Compare(a.Name, b.Name) })
	x.accountNames = map[string]string{}
	ref := func(name, field, v string) string {
		if v == "" {
			return ""
		}
		return "${" + SecretEnv(name, field) + "}"
	}
	for _, a := range accts {
		x.accountNames[a.ID] = a.Name
		out := Account{Name: a.Name, Type: a.Type, PageID: a.PageID, PageUsername: a.PageUsername, APIBaseURL: a.APIBaseURL, HumanAgent: a.HumanAgent,
			AccessToken: ref(a.Name, "access_token", a.AccessToken), AppSecret: ref(a.Name, "app_secret", a.AppSecret), VerifyToken: ref(a.Name, "verify_token", a.VerifyToken)}
		for k, v := range a.Settings {
			if out.Settings == nil {
				out.Settings = map[string]string{}
			}
			if parley.SecretSetting(k) {
				v = ref(a.Name, k, v)
			}
			out.Settings[k] = v
		}
		x.f.Accounts = append(x.f.Accounts, out)
	}
	return nil
}

func (x *exporter) schedules() error {
	schs, err := x.st.Schedules(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	for _, s := range schs {
		out := Schedule{Name: s.Name, Timezone: s.Timezone, Holidays: s.Holidays}
		for _, h := range s.Hours {
			out.Hours = append(out.Hours, OpenSpan{Days: weekdaysText(h.Days), From: h.From, To: h.To})
		}
		x.f.Schedules = append(x.f.Schedules, out)
	}
	return nil
}

func (x *exporter) services() error {
	svcs, err := x.st.Services(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	routings, err := x.st.ServiceRoutings(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	thresholds, err := x.st.ServiceThresholds(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	surveys, err := x.st.ServiceSurveys(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	x.serviceNames = map[string]string{}
	for _, sv := range svcs {
		x.serviceNames[sv.ID] = sv.Name
		out := Service{Name: sv.Name, MaxChatsPerAgent: sv.MaxChatsPerAgent, MaxQueueLength: sv.MaxQueueLength,
			Schedule: sv.ScheduleName, AfterHoursMessage: sv.AfterHoursMessage, TicketFields: ticketFieldDocs(sv.TicketFields)}
		if sv.Disabled {
			out.Enabled = new(false)
		}
		if r, ok := routings[sv.ID]; ok {
			out.Routing = &ServiceRouting{Strategy: r.Strategy, Skills: r.Skills, AutoAccept: r.AutoAccept, AbsentRule: r.AbsentRule,
				OfferTimeout: durationText(r.OfferTimeout), ACWLimit: durationText(r.ACWLimit),
				HandoffAfter: durationText(r.HandoffAfter), DropoutAfter: durationText(r.DropoutAfter)}
		}
		if t, ok := thresholds[sv.ID]; ok {
			out.Thresholds = &ServiceThresholds{ServiceLevel: durationText(t.ServiceLevel), ServiceLevelTarget: new(t.ServiceLevelTarget),
				Dropout: durationText(t.Dropout), ChatTimeLimit: durationText(t.ChatTimeLimit), MaxWait: durationText(t.MaxWait)}
			if t.ChatTimeLimit == 0 {
				out.Thresholds.ChatTimeLimit = "0s" // none, not the default
			}
		}
		if s, ok := surveys[sv.ID]; ok {
			out.Survey = &Survey{Enabled: new(s.Enabled), Question: s.Question, CommentPrompt: s.CommentPrompt, Thanks: s.Thanks, Timeout: durationText(s.Timeout)}
		}
		desk, err := x.st.ServiceDesk(x.ctx, sv.ID)
		if err != nil {
			return err
		}
		out.Dispositions, out.DispositionRequired = desk.Dispositions, desk.DispositionRequired
		if desk.ScreenPopURL != "" {
			out.ScreenPop = &ScreenPop{URL: desk.ScreenPopURL, Open: desk.ScreenPopMode}
		}
		chat, err := x.st.ServiceChatAccount(x.ctx, sv.ID)
		if err != nil {
			return err
		}
		if name := x.accountNames[chat]; name != "" {
			out.ChatAccounts = []string{name}
		}
		x.f.Services = append(x.f.Services, out)
	}
	return nil
}

func (x *exporter) users() error {
	users, err := x.st.Users(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	routings, err := x.st.AgentRoutings(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	slices.SortFunc(users, func(a, b *parley.User) int { return strings.Compare(a.Username, b.Username) })
	for _, u := range users {
		if !u.Active() {
			continue
		}
		x.activeUsers = append(x.activeUsers, u)
		out := User{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, PasswordHash: u.PasswordHash, Capacity: new(u.Capacity),
			Team: u.TeamName}
		for _, id := range u.ServiceIDs {
			if name := x.serviceNames[id]; name != "" {
				out.Services = append(out.Services, name)
			}
		}
		slices.Sort(out.Services)
		if r := routings[u.ID]; r != nil && len(r.Skills) > 0 {
			out.Skills = r.Skills
		}
		x.f.Users = append(x.f.Users, out)
	}
	return nil
}

func (x *exporter) canned() error {
	shared, err := x.st.CannedResponses(x.ctx, x.tenant, "")
	if err != nil {
		return err
	}
	for _, c := range shared {
		switch c.Scope {
		case parley.CannedGlobal:
			x.f.CannedResponses = append(x.f.CannedResponses, cannedDoc(c))
		case parley.CannedService:
			if i := slices.IndexFunc(x.f.Services, func(s Service) bool { return s.Name == x.serviceNames[c.ServiceID] }); i >= 0 {
				x.f.Services[i].CannedResponses = append(x.f.Services[i].CannedResponses, cannedDoc(c))
			}
		}
	}
	for i, u := range x.activeUsers {
		list, err := x.st.CannedResponses(x.ctx, x.tenant, u.ID)
		if err != nil {
			return err
		}
		for _, c := range list {
			if c.Scope == parley.CannedPersonal && c.OwnerID == u.ID {
				x.f.Users[i].CannedResponses = append(x.f.Users[i].CannedResponses, cannedDoc(c))
			}
		}
	}
	return nil
}

func cannedDoc(c *parley.CannedResponse) Canned {
	return Canned{Title: c.Title, Shortcut: c.Shortcut, Text: c.Text, QuickReplies: c.QuickReplies, Buttons: c.Buttons, Attachments: c.Attachments}
}

func (x *exporter) scenarios() error {
	versions, err := x.st.ScenarioVersions(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	latest := map[string]*parley.ScenarioVersion{}
	var names []string
	for _, v := range versions {
		if _, seen := latest[v.Name]; !seen {
			names = append(names, v.Name)
		}
		if old := latest[v.Name]; old == nil || v.Version > old.Version {
			latest[v.Name] = v
		}
	}
	slices.Sort(names)
	for _, name := range names {
		var def scenario.Definition
		if err := json.Unmarshal(latest[name].Definition, &def); err != nil {
			return fmt.Errorf("scenario %s: %w", name, err)
		}
		def.Name = name
		x.f.Scenarios = append(x.f.Scenarios, scenarioDoc(def))
	}
	return nil
}

func (x *exporter) entries() error {
	entries, err := x.st.Entries(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	slices.SortFunc(entries, func(a, b *parley.ScenarioEntry) int { return strings.Compare(a.Name, b.Name) })
	for _, e := range entries {
		x.f.Entries = append(x.f.Entries, Entry{Name: e.Name, Account: x.accountNames[e.AccountID], Scenario: e.ScenarioName,
			Service: x.serviceNames[e.ServiceID], Schedule: e.ScheduleName})
	}
	return nil
}

func (x *exporter) forms() error {
	forms, err := x.st.EvaluationForms(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	slices.SortFunc(forms, func(a, b *parley.EvaluationForm) int { return strings.Compare(a.Name, b.Name) })
	for _, fm := range forms {
		x.f.EvaluationForms = append(x.f.EvaluationForms, EvaluationForm{Name: fm.Name, Service: x.serviceNames[fm.ServiceID], Sections: fm.Sections})
	}
	return nil
}

// durationText writes d as parley.yaml does ("30s", "2m", "1h30m"); zero
// is left out.
func durationText(d time.Duration) string {
	if d == 0 {
		return ""
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// weekdaysText writes days as parley.yaml does: runs as ranges, Monday
// first ("mon-fri", "sat,sun", "mon-sun").
func weekdaysText(days []time.Weekday) string {
	names := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	on := map[time.Weekday]bool{}
	for _, d := range days {
		on[d] = true
	}
	week := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	var parts []string
	for i := 0; i < len(week); {
		if !on[week[i]] {
			i++
			continue
		}
		j := i
		for j+1 < len(week) && on[week[j+1]] {
			j++
		}
		if j > i {
			parts = append(parts, names[week[i]]+"-"+names[week[j]])
		} else {
			parts = append(parts, names[week[i]])
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}
