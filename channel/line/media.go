package line

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/parleycc/parley"
)

// Download fetches a message's content from the data host
// (GET /v2/bot/message/{id}/content). More than limit bytes is
// ETOOLARGE; content LINE no longer keeps (404, 410) is ENOTFOUND.
func (c *Channel) Download(ctx context.Context, acct *parley.Account, att *parley.InboundAttachment, limit int64) (*parley.File, error) {
	if att == nil {
		return nil, parley.Errorf(parley.EINVALID, "line: no attachment")
	}
	if err := checkID("message id", att.MediaID); err != nil {
		return nil, err
	}
	r := request{op: "content", method: http.MethodGet, url: dataBase(acct) + "/v2/bot/message/" + att.MediaID + "/content"}
	resp, err := c.send(ctx, acct, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, contentError(resp)
	}
	if limit > 0 && resp.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	data, err := readLimited(resp.Body, limit)
	if err != nil {
		return nil, err
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" || ct == "application/octet-stream" {
		ct = http.DetectContentType(data)
	}
	return &parley.File{Name: fileName(att, ct), ContentType: ct, Size: int64(len(data)), Data: data}, nil
}

// contentError maps a failed content download.
func contentError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	ae := parseAPIError("content", resp, b)
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone {
		return fmt.Errorf("%w: %w", parley.Errorf(parley.ENOTFOUND, "line: message content is no longer available"), ae)
	}
	return ae
}

// readLimited reads at most limit bytes (limit ≤ 0: no limit).
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	if limit > 0 {
		r = io.LimitReader(r, limit+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("line: content: %w", stripURL(err))
	}
	if limit > 0 && int64(len(data)) > limit {
		return nil, tooLarge(limit)
	}
	return data, nil
}

func tooLarge(limit int64) error {
	return parley.Errorf(parley.ETOOLARGE, "line: content is larger than %d bytes", limit)
}

// fileName is the attachment's name, or its message id with an extension
// for the content type.
func fileName(att *parley.InboundAttachment, ct string) string {
	if att.Name != "" {
		return att.Name
	}
	mt, _, _ := mime.ParseMediaType(ct)
	if exts, err := mime.ExtensionsByType(mt); err == nil && len(exts) > 0 {
		return att.MediaID + exts[0]
	}
	return att.MediaID
}

// Profile looks up a friend's display name and picture
// (GET /v2/bot/profile/{userId}); ENOTFOUND when the user is not a friend.
// LINE has one display name: it is FirstName.
func (c *Channel) Profile(ctx context.Context, acct *parley.Account, externalID string) (*parley.Profile, error) {
	if err := checkID("user id", externalID); err != nil {
		return nil, err
	}
	var p profile
	r := request{op: "profile", method: http.MethodGet, url: apiBase(acct) + "/v2/bot/profile/" + externalID}
	if err := c.do(ctx, acct, r, &p); err != nil {
		var ae *APIError
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return nil, fmt.Errorf("%w: %w", parley.Errorf(parley.ENOTFOUND, "line: no profile for the user (not a friend?)"), err)
		}
		return nil, err
	}
	return &parley.Profile{FirstName: p.DisplayName, PictureURL: p.PictureURL}, nil
}
