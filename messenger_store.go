package parley

import (
	"context"
	"time"
)

// File is a stored binary: a customer's attachment copied from the
// platform, or a file an agent uploaded. Files live in the database so that
// every node serves them.
type File struct {
	ID          string
	TenantID    string
	Name        string
	ContentType string
	Size        int64
	SourceURL   string // where it was copied from, if anywhere
	Data        []byte
	CreatedAt   time.Time
}

// FileUse is a message that references a stored file (its Payload's
// attachments[].file_id): the file's chat and, for an agent's upload, the
// agent who sent it.
type FileUse struct {
	MessageID string
	ChatID    string
	AgentID   string
}

// AccountHealth is the result of the last channel health check of an
// account: its token and its webhook subscription.
type AccountHealth struct {
	AccountID    string
	CheckedAt    time.Time
	TokenOK      bool
	Subscribed   bool // the app is subscribed to the page's messages
	Resubscribed bool // the check found it dropped and subscribed again
	PageName     string
	Error        string // the platform's reason when something is wrong
}

// MessengerStore keeps what the Messenger integration adds: files, receipts
// on outbound messages, channel health and services' chat accounts.
type MessengerStore interface {
	// PutFile stores f and sets f.ID and f.CreatedAt.
	PutFile(ctx context.Context, f *File) error
	// File returns the file with its data; ENOTFOUND if missing.
	File(ctx context.Context, id string) (*File, error)
	// FileUses returns the tenant's messages that reference file id (at
	// most 100), so access to the file can follow access to their chats.
	FileUses(ctx context.Context, tenantID, id string) ([]FileUse, error)
	// MarkReceipt raises the status of the customer's outbound messages to
	// status (delivered or read): those whose ExternalID is in mids, and
	// those sent at or before watermark (when not zero). Statuses only move
	// forward (sent → delivered → read). It returns the changed messages.
	MarkReceipt(ctx context.Context, customerID, status string, mids []string, watermark time.Time) ([]*Message, error)
	// SetAccountHealth records the result of a health check.
	SetAccountHealth(ctx context.Context, h *AccountHealth) error
	// AccountHealth returns the last check; ENOTFOUND if never checked.
	AccountHealth(ctx context.Context, accountID string) (*AccountHealth, error)
	// SetServiceChatAccount makes accountID the service's outbound chat
	// account (empty clears it). A service has at most one.
	SetServiceChatAccount(ctx context.Context, serviceID, accountID string) error
	// ServiceChatAccount returns the service's chat account id ("" if none).
	ServiceChatAccount(ctx context.Context, serviceID string) (string, error)
}
