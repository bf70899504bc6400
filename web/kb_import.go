package web

import (
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/kb"
)

// maxImport bounds an import request (all files together).
const maxImport = 32 << 20

// importArticles takes multipart "files" and answers the per-file report.
// Progress is logged file by file.
func (s *Server) importArticles(w http.ResponseWriter, r *http.Request) {
	files, err := readImportFiles(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u := userFrom(r.Context())
	rep, err := s.KB.Import(r.Context(), u.TenantID, files, func(p kb.Progress) {
		s.Logger.Info("kb import", slog.String("tenant", u.TenantID), slog.String("file", p.File),
			slog.Int("done", p.Done), slog.Int("total", p.Total), slog.Int("imported", p.Imported))
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// readImportFiles reads the request's multipart "files" parts.
func readImportFiles(w http.ResponseWriter, r *http.Request) ([]kb.ImportFile, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxImport)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "want a multipart/form-data body with files")
	}
	var files []kb.ImportFile
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, badMultipart(err)
		}
		if part.FormName() != "files" || part.FileName() == "" {
			continue
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, badMultipart(err)
		}
		files = append(files, kb.ImportFile{Name: part.FileName(), Data: data})
	}
	if len(files) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "no files: send them in multipart parts named files")
	}
	return files, nil
}

// badMultipart keeps a too-large body's error (413) and calls anything
// else malformed.
func badMultipart(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return parley.Errorf(parley.EINVALID, "malformed multipart body: %v", err)
}
