package fakegraph

import (
	"encoding/json"
	"io"
	"net/http"
)

// maxUpload mirrors the platform's 25 MB attachment limit.
const maxUpload = 25 << 20

// readMultipart reads a multipart Send API call (an attachment upload) and
// returns the equivalent JSON body and the uploaded file. The form fields
// recipient and message hold JSON, like the platform expects.
func readMultipart(r *http.Request) ([]byte, *File, *apiError) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxUpload+1<<20)
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		return nil, nil, ptr(param("Could not parse the multipart request body: " + err.Error()))
	}
	defer r.MultipartForm.RemoveAll()
	body := map[string]any{}
	for _, name := range []string{"recipient", "message"} {
		v := r.MultipartForm.Value[name]
		if len(v) == 0 {
			continue
		}
		var raw json.RawMessage
		if json.Unmarshal([]byte(v[0]), &raw) != nil {
			return nil, nil, ptr(param("Param " + name + " must be a JSON object"))
		}
		body[name] = raw
	}
	for _, name := range []string{"messaging_type", "tag"} {
		if v := r.MultipartForm.Value[name]; len(v) > 0 {
			body[name] = v[0]
		}
	}
	fhs := r.MultipartForm.File["filedata"]
	if len(fhs) == 0 {
		return nil, nil, ptr(param("The parameter filedata is required for an upload"))
	}
	f, err := fhs[0].Open()
	if err != nil {
		return nil, nil, ptr(param("Could not read filedata"))
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, ptr(param("Could not read filedata"))
	}
	if len(data) == 0 {
		return nil, nil, &apiError{Message: "(#100) Upload attachment failure.", Type: "OAuthException", Code: 100, Subcode: 2018047}
	}
	raw, _ := json.Marshal(body)
	return raw, &File{Name: fhs[0].Filename, ContentType: fhs[0].Header.Get("Content-Type"), Data: data}, nil
}
