package viber

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"

	"github.com/parleycc/parley"
)

// Download fetches an inbound media URL (Viber's CDN links expire) with a
// plain GET, reading at most limit bytes (MaxFileBytes when not
// positive); more is ETOOLARGE.
func (c *Channel) Download(ctx context.Context, acct *parley.Account, att *parley.InboundAttachment, limit int64) (*parley.File, error) {
	if att == nil || !isHTTPURL(att.URL) {
		return nil, parley.Errorf(parley.EINVALID, "viber: attachment has no http(s) URL")
	}
	if limit <= 0 {
		limit = MaxFileBytes
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, att.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("viber: download: %w", err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("viber: download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("viber: download: %w", &HTTPError{StatusCode: resp.StatusCode})
	}
	if resp.ContentLength > limit {
		return nil, parley.Errorf(parley.ETOOLARGE, "viber: attachment is %d bytes, over the %d-byte limit", resp.ContentLength, limit)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("viber: download: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, parley.Errorf(parley.ETOOLARGE, "viber: attachment is over the %d-byte limit", limit)
	}
	return &parley.File{
		Name:        fileName(att, resp),
		ContentType: contentType(att, resp, data),
		Size:        int64(len(data)),
		SourceURL:   att.URL,
		Data:        data,
	}, nil
}

// fileName is the attachment's name, the Content-Disposition one or the
// URL's last path element.
func fileName(att *parley.InboundAttachment, resp *http.Response) string {
	if att.Name != "" {
		return att.Name
	}
	if _, p, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil && p["filename"] != "" {
		return path.Base(p["filename"])
	}
	if b := path.Base(urlPath(att.URL)); b != "." && b != "/" {
		return b
	}
	return "attachment"
}

// contentType is the served type, the attachment's, or a sniffed one.
func contentType(att *parley.InboundAttachment, resp *http.Response, data []byte) string {
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		return ct
	}
	if att.ContentType != "" {
		return att.ContentType
	}
	return http.DetectContentType(data)
}
