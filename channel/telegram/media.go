package telegram

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path"

	"github.com/parleycc/parley"
)

// Download fetches an inbound file by its file_id: getFile, then GET
// <base>/file/bot<token>/<file_path>. More than limit bytes is ETOOLARGE
// (the Bot API itself serves at most 20 MB).
func (c *Channel) Download(ctx context.Context, acct *parley.Account, att *parley.InboundAttachment, limit int64) (*parley.File, error) {
	if att == nil || att.MediaID == "" {
		return nil, parley.Errorf(parley.EINVALID, "telegram: attachment has no file_id")
	}
	var fi fileInfo
	if err := c.call(ctx, acct, "getFile", map[string]any{"file_id": att.MediaID}, &fi); err != nil {
		return nil, fmt.Errorf("telegram: download: %w", err)
	}
	if fi.FilePath == "" {
		return nil, parley.Errorf(parley.ENOTFOUND, "telegram: file is not available for download")
	}
	if limit > 0 && fi.FileSize > limit {
		return nil, tooLarge(limit)
	}
	data, ct, err := c.fetch(ctx, fileURL(acct, fi.FilePath), limit)
	if err != nil {
		return nil, err
	}
	f := &parley.File{Name: att.Name, ContentType: att.ContentType, Size: int64(len(data)), Data: data}
	if f.Name == "" {
		f.Name = path.Base(fi.FilePath)
	}
	if f.ContentType == "" {
		f.ContentType = ct
	}
	return f, nil
}

// fetch GETs a file, reading at most limit bytes (limit ≤ 0: no limit
// beyond the Bot API's own).
func (c *Channel) fetch(ctx context.Context, u string, limit int64) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", fmt.Errorf("telegram: download: %w", stripURL(err))
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("telegram: download: %w", stripURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, "", fmt.Errorf("telegram: download: %w", decodeEnvelope("file", resp.StatusCode, b, nil))
	}
	if limit > 0 && resp.ContentLength > limit {
		return nil, "", tooLarge(limit)
	}
	r := io.Reader(resp.Body)
	if limit > 0 {
		r = io.LimitReader(resp.Body, limit+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, "", fmt.Errorf("telegram: download: %w", stripURL(err))
	}
	if limit > 0 && int64(len(data)) > limit {
		return nil, "", tooLarge(limit)
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" || ct == "application/octet-stream" {
		ct = http.DetectContentType(data)
	}
	return data, ct, nil
}

func tooLarge(limit int64) error {
	return parley.Errorf(parley.ETOOLARGE, "telegram: file is larger than %d bytes", limit)
}

// Profile is ENOTFOUND: the Bot API has no profile call by user id; names
// come with every update (Incoming.Profile).
func (c *Channel) Profile(ctx context.Context, acct *parley.Account, externalID string) (*parley.Profile, error) {
	return nil, parley.Errorf(parley.ENOTFOUND, "telegram: no profile call; names come with each update")
}
