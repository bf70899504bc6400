// Package config reads parley.yaml, the declaration of a tenant's integration
// accounts, services, users, scenario entries and scenarios, and applies it
// to the store idempotently. Every error names the file, line and field.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/parleycc/parley/scenario"
)

// File is the parsed content of a configuration file.
type File struct {
	Tenant    string     `yaml:"tenant,omitempty"`
	Accounts  []Account  `yaml:"accounts,omitempty"`
	Services  []Service  `yaml:"services,omitempty"`
	Teams     []Team     `yaml:"teams,omitempty"` // teams.go
	Users     []User     `yaml:"users,omitempty"`
	Entries   []Entry    `yaml:"entries,omitempty"`
	Scenarios []Scenario `yaml:"scenarios,omitempty"`
	// NotReadyReasons are the reasons agents pick when Not Ready.
	NotReadyReasons []string   `yaml:"not_ready_reasons,omitempty"`
	Schedules       []Schedule `yaml:"schedules,omitempty"`
	// CannedResponses is the tenant's global list (desk.go).
	CannedResponses []Canned `yaml:"canned_responses,omitempty"`
	// EvaluationForms are the quality forms supervisors grade chats with (quality.go).
	EvaluationForms []EvaluationForm `yaml:"evaluation_forms,omitempty"`
	// Webhooks are the outgoing webhook subscriptions (webhooks.go).
	Webhooks []Webhook `yaml:"webhooks,omitempty"`
	// TimeZone is the IANA zone of the reports' days and hours (default UTC).
	TimeZone string `yaml:"time_zone,omitempty"`

	path string
	root *yaml.Node

	// PasswordCost is the bcrypt cost of the passwords Apply hashes (0:
	// bcrypt's default). Tests lower it: hashing at the default cost under
	// the race detector takes seconds.
	PasswordCost int `yaml:"-"`
}

// Account declares an integration account.
type Account struct {
	Name         string `yaml:"name,omitempty"`
	Type         string `yaml:"type,omitempty"`
	PageID       string `yaml:"page_id,omitempty"`
	PageUsername string `yaml:"page_username,omitempty"`
	AccessToken  string `yaml:"access_token,omitempty"`
	AppSecret    string `yaml:"app_secret,omitempty"`
	VerifyToken  string `yaml:"verify_token,omitempty"`
	APIBaseURL   string `yaml:"api_base_url,omitempty"`
	HumanAgent   bool   `yaml:"human_agent,omitempty"` // the page has the human agent permission (messenger.go)
	// Settings are the channel's own properties (a Viber sender name, a
	// Vonage application id, …); values may be ${ENV} references.
	Settings map[string]string `yaml:"settings,omitempty"`
}

// Service declares a service (queue).
type Service struct {
	Name             string `yaml:"name,omitempty"`
	MaxChatsPerAgent int    `yaml:"max_chats_per_agent,omitempty"`
	MaxQueueLength   int    `yaml:"max_queue_length,omitempty"` // Find Agent's queue_full beyond it; 0: no limit
	// Enabled: false switches the service off (no new chats; its entries
	// answer with the after-hours path). Absent is true.
	Enabled *bool `yaml:"enabled,omitempty"`
	// Schedule names the service's hours of operation (schedules:);
	// empty is always open.
	Schedule string `yaml:"schedule,omitempty"`
	// AfterHoursMessage is sent by the service's entries to a new chat
	// while it is closed, unless the scenario reads the hours itself.
	AfterHoursMessage string             `yaml:"after_hours_message,omitempty"`
	Routing           *ServiceRouting    `yaml:"routing,omitempty"`       // routing.go
	ChatAccounts      []string           `yaml:"chat_accounts,omitempty"` // outbound chat accounts; at most one Facebook page (messenger.go)
	DeskFields        `yaml:",inline"`   // canned responses, dispositions, screen pop (desk.go)
	Survey            *Survey            `yaml:"survey,omitempty"`     // post-chat survey (quality.go)
	Thresholds        *ServiceThresholds `yaml:"thresholds,omitempty"` // service level, dropout, chat time, max wait (thresholds.go)
	// TicketFields are the extra questions of the service's ticket form,
	// in order (ticket_fields.go).
	TicketFields []TicketField `yaml:"ticket_fields,omitempty"`
}

// User declares an agent, supervisor or admin.
type User struct {
	Username     string         `yaml:"username,omitempty"`
	DisplayName  string         `yaml:"display_name,omitempty"`
	Role         string         `yaml:"role,omitempty"`
	Password     string         `yaml:"password,omitempty"`
	PasswordHash string         `yaml:"password_hash,omitempty"`
	Capacity     *int           `yaml:"capacity,omitempty"`
	Services     []string       `yaml:"services,omitempty"`
	Skills       map[string]int `yaml:"skills,omitempty"` // skill → level 0–100 (routing.go)
	Team         string         `yaml:"team,omitempty"`   // a name of teams: (teams.go)
	// CannedResponses are the user's personal list (desk.go).
	CannedResponses []Canned `yaml:"canned_responses,omitempty"`
}

// Entry declares a scenario entry: which scenario handles an account's chats.
type Entry struct {
	Name     string `yaml:"name,omitempty"`
	Account  string `yaml:"account,omitempty"`
	Scenario string `yaml:"scenario,omitempty"`
	Service  string `yaml:"service,omitempty"`
	Schedule string `yaml:"schedule,omitempty"` // hours of operation; empty: always open
}

// Scenario declares a scenario as a list of blocks.
type Scenario struct {
	Name   string  `yaml:"name,omitempty"`
	Blocks []Block `yaml:"blocks,omitempty"`
	// Escalation lets the customer ask for a person at any bot step.
	Escalation *scenario.Escalation `yaml:"escalation,omitempty"`
}

// Block is one scenario block. Keys other than id, type, next and exits are
// the block's parameters, checked by the block type.
type Block struct {
	ID     string            `yaml:"id,omitempty"`
	Type   string            `yaml:"type,omitempty"`
	Next   string            `yaml:"next,omitempty"`
	Exits  map[string]string `yaml:"exits,omitempty"`
	Params map[string]any    `yaml:",inline"`
}

// Load reads and validates the file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates data; path is used in error messages.
func Parse(path string, data []byte) (*File, error) {
	f := &File{path: path}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(path, err)
	}
	f.root = &root
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(path, err)
	}
	if err := f.expandSecrets(); err != nil {
		return nil, err
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return f, nil
}

// Path is the file the configuration was read from.
func (f *File) Path() string { return f.path }

var yamlLine = regexp.MustCompile(`^yaml: (?:unmarshal errors:\n\s*)?line (\d+): `)

// yamlError turns yaml's "yaml: line 3: …" into an *Error at path:3 so
// errors read file:line.
func yamlError(path string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		line, _ := strconv.Atoi(msg[m[2]:m[3]])
		return &Error{Path: path, Line: line, Msg: msg[m[1]:]}
	}
	return fmt.Errorf("%s: %w", path, err)
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandSecrets replaces ${NAME} in secret fields with environment variables,
// so tokens need not be written into the file.
func (f *File) expandSecrets() error {
	for i := range f.Accounts {
		a := &f.Accounts[i]
		for field, v := range map[string]*string{"access_token": &a.AccessToken, "app_secret": &a.AppSecret, "verify_token": &a.VerifyToken} {
			if err := f.expand(v, field, "accounts", i); err != nil {
				return err
			}
		}
		for k, v := range a.Settings {
			if err := f.expand(&v, "settings", "accounts", i); err != nil {
				return err
			}
			a.Settings[k] = v
		}
	}
	for i := range f.Users {
		if err := f.expand(&f.Users[i].Password, "password", "users", i); err != nil {
			return err
		}
	}
	for i := range f.Webhooks {
		if err := f.expand(&f.Webhooks[i].Secret, "secret", "webhooks", i); err != nil {
			return err
		}
	}
	return nil
}

func (f *File) expand(v *string, field, section string, i int) error {
	var missing string
	*v = envRef.ReplaceAllStringFunc(*v, func(ref string) string {
		name := envRef.FindStringSubmatch(ref)[1]
		val, ok := os.LookupEnv(name)
		if !ok {
			missing = name
		}
		return val
	})
	if missing != "" {
		return f.errorf(f.line(section, i, field), "%s[%d].%s: environment variable %s is not set", section, i, field, missing)
	}
	return nil
}
