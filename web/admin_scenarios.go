package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/scenario"
)

// ConfigReloader re-applies the server's configuration file on behalf of
// an admin of a tenant and returns the scenario versions now in effect
// (app.App.ReloadTenant); a file that configures another tenant is
// EFORBIDDEN.
type ConfigReloader interface {
	ReloadTenant(ctx context.Context, tenant string) ([]*parley.ScenarioVersion, error)
	ConfigFile() string
	// ConfigTenant is the tenant the file configured when last applied:
	// only its admins may check the file (app.App.ConfigTenant).
	ConfigTenant() string
	// ExportConfig is the tenant's running configuration as parley.yaml.
	ExportConfig(ctx context.Context, tenant string) ([]byte, error)
	// ImportConfig applies an uploaded parley.yaml to the tenant.
	ImportConfig(ctx context.Context, tenant string, data []byte) error
}

func (s *Server) adminScenariosPage(w http.ResponseWriter, r *http.Request) {
	if userFrom(r.Context()).Role != parley.RoleAdmin {
		s.forbiddenPage(w, r, "Scenarios are edited by administrators.")
		return
	}
	s.render(w, r, "admin_scenarios", "Scenarios")
}

// ScenarioJSON is a scenario with its versions, as the Admin page shows it.
type ScenarioJSON struct {
	Name     string        `json:"name"`
	Latest   int           `json:"latest"`
	YAML     string        `json:"yaml"` // the latest version, as edited
	Versions []VersionJSON `json:"versions"`
	Entries  []string      `json:"entries"` // entries that start it
}

// VersionJSON is one published version.
type VersionJSON struct {
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

// ProblemJSON is one validation problem.
type ProblemJSON struct {
	Line    int    `json:"line,omitempty"`
	Block   string `json:"block,omitempty"`
	Message string `json:"message"`
}

func (s *Server) listScenarios(w http.ResponseWriter, r *http.Request) {
	tenant := userFrom(r.Context()).TenantID
	cat, err := s.Conversations.Scenarios(r.Context(), tenant)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	versions, entries := cat.Versions, cat.Entries
	out := []*ScenarioJSON{}
	byName := map[string]*ScenarioJSON{}
	for _, v := range versions {
		sc := byName[v.Name]
		if sc == nil {
			sc = &ScenarioJSON{Name: v.Name, Versions: []VersionJSON{}, Entries: []string{}}
			byName[v.Name] = sc
			out = append(out, sc)
		}
		sc.Versions = append(sc.Versions, VersionJSON{Version: v.Version, CreatedAt: v.CreatedAt})
		sc.Latest = v.Version
		var def scenario.Definition
		if err := json.Unmarshal(v.Definition, &def); err != nil {
			s.writeError(w, r, err)
			return
		}
		y, err := config.ScenarioYAML(def)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		sc.YAML = string(y)
	}
	for _, e := range entries {
		if sc := byName[e.ScenarioName]; sc != nil {
			sc.Entries = append(sc.Entries, e.Name)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"scenarios": out, "config_file": s.configFileName()})
}

func (s *Server) configFile() string {
	if s.Reloader == nil {
		return ""
	}
	return s.Reloader.ConfigFile()
}

// configFileName is the configuration file's base name: answers name the
// file without revealing where the server keeps it.
func (s *Server) configFileName() string {
	if p := s.configFile(); p != "" {
		return filepath.Base(p)
	}
	return ""
}

// parseScenario validates a scenario written in YAML against the tenant's
// services.
func (s *Server) parseScenario(r *http.Request, text string) (*config.Scenario, []ProblemJSON, error) {
	names, err := s.Conversations.ServiceNames(r.Context(), userFrom(r.Context()).TenantID)
	if err != nil {
		return nil, nil, err
	}
	sc, err := config.ParseScenario("scenario.yaml", []byte(text), names)
	return sc, problems(err), nil
}

func problems(err error) []ProblemJSON {
	out := []ProblemJSON{}
	for _, p := range config.Problems(err) {
		out = append(out, ProblemJSON{Line: p.Line, Block: p.Block, Message: p.Msg})
	}
	return out
}

// fileProblems is problems for the server's configuration file, with its
// path (which an error may quote) shortened to its base name.
func (s *Server) fileProblems(err error) []ProblemJSON {
	out := problems(err)
	if path := s.configFile(); path != "" {
		for i := range out {
			out[i].Message = strings.ReplaceAll(out[i].Message, path, filepath.Base(path))
		}
	}
	return out
}

func (s *Server) validateScenario(w http.ResponseWriter, r *http.Request) {
	var req struct {
		YAML string `json:"yaml"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	_, probs, err := s.parseScenario(r, req.YAML)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": len(probs) == 0, "problems": probs})
}

// publishScenario validates and stores a new version of a scenario. New
// chats start on it; running chats keep their version.
func (s *Server) publishScenario(w http.ResponseWriter, r *http.Request) {
	var req struct {
		YAML string `json:"yaml"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	sc, probs, err := s.parseScenario(r, req.YAML)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(probs) > 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error": map[string]string{"code": parley.EINVALID, "message": "the scenario has errors"}, "problems": probs})
		return
	}
	def, err := sc.DefinitionJSON()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Conversations.PublishScenario(r.Context(), userFrom(r.Context()).TenantID, sc.Name, def)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "scenario.publish", ObjectType: "scenario", ObjectName: v.Name,
		Before: map[string]any{"version": v.Version - 1}, After: map[string]any{"version": v.Version, "yaml": req.YAML}})
	writeJSON(w, http.StatusCreated, map[string]any{"name": v.Name, "version": v.Version})
}

// validateConfig checks the server's configuration file as it is on disk.
func (s *Server) validateConfig(w http.ResponseWriter, r *http.Request) {
	path := s.configFile()
	if path == "" {
		s.writeError(w, r, parley.Errorf(parley.EINVALID, "the server was started without a configuration file"))
		return
	}
	// As for reloading it: another tenant's admin reads nothing of it.
	if s.Reloader.ConfigTenant() != userFrom(r.Context()).TenantID {
		s.writeError(w, r, parley.Errorf(parley.EFORBIDDEN, "the configuration file configures another tenant; only its admins may check it"))
		return
	}
	_, err := config.Load(path)
	probs := s.fileProblems(err)
	writeJSON(w, http.StatusOK, map[string]any{"ok": len(probs) == 0, "file": s.configFileName(), "problems": probs})
}

// reloadConfig re-applies the configuration file without a restart.
func (s *Server) reloadConfig(w http.ResponseWriter, r *http.Request) {
	if s.Reloader == nil {
		s.writeError(w, r, parley.Errorf(parley.EINVALID, "this server cannot reload its configuration"))
		return
	}
	versions, err := s.Reloader.ReloadTenant(r.Context(), userFrom(r.Context()).TenantID)
	if err != nil {
		s.writeFileError(w, r, err, "the configuration file has errors; nothing was changed", s.configFileName())
		return
	}
	out := []map[string]any{}
	for _, v := range versions {
		out = append(out, map[string]any{"name": v.Name, "version": v.Version})
	}
	s.audited(r, audit.Change{Action: "config.reload", ObjectType: "config", ObjectName: s.configFileName(), After: map[string]any{"scenarios": out}})
	writeJSON(w, http.StatusOK, map[string]any{"file": s.configFileName(), "scenarios": out})
}

// writeFileError answers a configuration file's problems (400, each with
// its line) with message, or any other error as usual. file names the
// file in the answer when not empty.
func (s *Server) writeFileError(w http.ResponseWriter, r *http.Request, err error, message, file string) {
	var ce *config.Error
	if !errors.As(err, &ce) && parley.ErrorCode(err) != parley.EINVALID {
		s.writeError(w, r, err)
		return
	}
	out := map[string]any{"error": map[string]string{"code": parley.EINVALID, "message": message}, "problems": s.fileProblems(err)}
	if file != "" {
		out["file"] = file
	}
	writeJSON(w, http.StatusBadRequest, out)
}
