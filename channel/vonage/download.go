package vonage

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/parleycc/parley"
)

// defaultDownloadLimit applies when Download is given no positive limit.
const defaultDownloadLimit = 100 << 20

// Download fetches an inbound media URL, reading at most limit bytes (more
// is ETOOLARGE). The application JWT is sent only to Vonage's own hosts
// (and the account's APIBaseURL host), never to third parties.
func (c *Channel) Download(ctx context.Context, acct *parley.Account, att *parley.InboundAttachment, limit int64) (*parley.File, error) {
	if att == nil || att.URL == "" {
		return nil, parley.Errorf(parley.EINVALID, "vonage: attachment has no URL")
	}
	u, err := url.Parse(att.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, parley.Errorf(parley.EINVALID, "vonage: attachment URL is not http(s)")
	}
	if limit <= 0 {
		limit = defaultDownloadLimit
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, att.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("vonage: download: %w", err)
	}
	if acct != nil && acct.Setting(SettingPrivateKey) != "" && trustedHost(acct, u.Hostname()) {
		auth, err := c.messagesAuth(acct)
		if err != nil {
			return nil, fmt.Errorf("vonage: download: %w", err)
		}
		req.Header.Set("Authorization", auth)
	}
	return c.fetch(req, att, limit)
}

// fetch runs the GET and reads the body within limit.
func (c *Channel) fetch(req *http.Request, att *parley.InboundAttachment, limit int64) (*parley.File, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("vonage: download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("vonage: download: HTTP %d", resp.StatusCode)
	}
	if resp.ContentLength > limit {
		return nil, parley.Errorf(parley.ETOOLARGE, "vonage: attachment is %d bytes, over the %d-byte limit", resp.ContentLength, limit)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("vonage: download: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, parley.Errorf(parley.ETOOLARGE, "vonage: attachment is over the %d-byte limit", limit)
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = cmpOr(att.ContentType, http.DetectContentType(data))
	}
	return &parley.File{Name: fileName(att, resp), ContentType: ct, Size: int64(len(data)), SourceURL: att.URL, Data: data}, nil
}

// trustedHost reports whether host is Vonage's or the account's API host.
func trustedHost(acct *parley.Account, host string) bool {
	host = strings.ToLower(host)
	if strings.HasSuffix(host, ".nexmo.com") || strings.HasSuffix(host, ".vonage.com") {
		return true
	}
	if acct.APIBaseURL == "" {
		return false
	}
	b, err := url.Parse(acct.APIBaseURL)
	return err == nil && strings.EqualFold(b.Hostname(), host)
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
	if b := path.Base(resp.Request.URL.Path); b != "." && b != "/" && b != "" {
		return b
	}
	return "attachment"
}
