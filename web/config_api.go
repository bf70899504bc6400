package web

import (
	"fmt"
	"io"
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
)

// The running configuration as parley.yaml: exported for version control
// or another server, imported from a file.

// maxConfigUpload bounds an imported parley.yaml.
const maxConfigUpload = 4 << 20

func (s *Server) configRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/admin/config", s.withRole(s.exportConfig, parley.RoleAdmin))
	mux.HandleFunc("POST /api/admin/config", s.withRole(s.importConfig, parley.RoleAdmin))
}

func (s *Server) exportConfig(w http.ResponseWriter, r *http.Request) {
	if s.Reloader == nil {
		s.writeError(w, r, parley.Errorf(parley.EINVALID, "this server cannot export its configuration"))
		return
	}
	tenant := userFrom(r.Context()).TenantID
	data, err := s.Reloader.ExportConfig(r.Context(), tenant)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="parley-%s.yaml"`, tenant))
	_, _ = w.Write(data)
}

func (s *Server) importConfig(w http.ResponseWriter, r *http.Request) {
	if s.Reloader == nil {
		s.writeError(w, r, parley.Errorf(parley.EINVALID, "this server cannot import a configuration"))
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxConfigUpload))
	if err != nil {
		s.writeError(w, r, err) // 413 when too large
		return
	}
	u := userFrom(r.Context())
	if err := s.Reloader.ImportConfig(r.Context(), u.TenantID, data); err != nil {
		s.writeFileError(w, r, err, "the file has errors; nothing was changed", "")
		return
	}
	s.audited(r, audit.Change{Action: "config.import", ObjectType: "config", ObjectName: "parley.yaml", After: map[string]int{"bytes": len(data)}})
	w.WriteHeader(http.StatusNoContent)
}
