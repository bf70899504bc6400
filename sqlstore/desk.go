package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/parleycc/parley"
)

// The Agent Desktop's tables (migration 0012): canned_responses,
// service_desk, chat_wrapups and customer_contacts.

// cannedExtras is the JSON kept in canned_responses.extras.
type cannedExtras struct {
	Attachments  []parley.CannedAttachment `json:"attachments,omitempty"`
	QuickReplies []string                  `json:"quick_replies,omitempty"`
	Buttons      []parley.CannedButton     `json:"buttons,omitempty"`
}

const cannedCols = `id, tenant_id, scope, service_id, owner_id, title, shortcut, body, extras, from_config, updated_at`

func scanCanned(sc interface{ Scan(...any) error }) (*parley.CannedResponse, error) {
	var c parley.CannedResponse
	var extras string
	var fromConfig int
	if err := sc.Scan(&c.ID, &c.TenantID, &c.Scope, &c.ServiceID, &c.OwnerID, &c.Title, &c.Shortcut, &c.Text,
		&extras, &fromConfig, scanTime(&c.UpdatedAt)); err != nil {
		return nil, err
	}
	if extras != "" {
		var x cannedExtras
		if err := json.Unmarshal([]byte(extras), &x); err != nil {
			return nil, fmt.Errorf("canned response %s extras: %w", c.ID, err)
		}
		c.Attachments, c.QuickReplies, c.Buttons = x.Attachments, x.QuickReplies, x.Buttons
	}
	c.FromConfig = fromConfig != 0
	return &c, nil
}

func encodeExtras(c *parley.CannedResponse) string {
	if len(c.Attachments)+len(c.QuickReplies)+len(c.Buttons) == 0 {
		return ""
	}
	b, _ := json.Marshal(cannedExtras{c.Attachments, c.QuickReplies, c.Buttons}) // plain structs always marshal
	return string(b)
}

// CannedResponses lists the tenant's global and service responses and
// ownerID's personal ones, by shortcut then id.
func (s *Store) CannedResponses(ctx context.Context, tenantID, ownerID string) ([]*parley.CannedResponse, error) {
	rows, err := s.r().query(ctx, `SELECT `+cannedCols+` FROM canned_responses
		WHERE tenant_id = ? AND (scope <> ? OR (owner_id = ? AND owner_id <> ''))
		ORDER BY shortcut, id`, tenantID, parley.CannedPersonal, ownerID)
	if err != nil {
		return nil, wrap("canned responses", err)
	}
	list, err := collect(rows, scanCanned)
	return list, wrap("canned responses", err)
}

// CannedResponse returns one response; ENOTFOUND if there is none.
func (s *Store) CannedResponse(ctx context.Context, id string) (*parley.CannedResponse, error) {
	c, err := scanCanned(s.r().queryRow(ctx, `SELECT `+cannedCols+` FROM canned_responses WHERE id = ?`, id))
	return c, wrap("canned response", notFound(err, "canned response", id))
}

// SaveCannedResponse creates (empty ID) or updates c; ECONFLICT if its
// shortcut is taken in its list.
func (s *Store) SaveCannedResponse(ctx context.Context, c *parley.CannedResponse) error {
	err := s.inTx(ctx, func(r runner) error { return s.saveCanned(ctx, r, c) })
	return wrap("save canned response", err)
}

func (s *Store) saveCanned(ctx context.Context, r runner, c *parley.CannedResponse) error {
	c.UpdatedAt = s.now()
	var err error
	if c.ID == "" {
		if c.ID, err = newID(); err != nil {
			return err
		}
		_, err = r.exec(ctx, `INSERT INTO canned_responses (`+cannedCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.TenantID, c.Scope, c.ServiceID, c.OwnerID, c.Title, c.Shortcut, c.Text, encodeExtras(c),
			boolInt(c.FromConfig), dbTime(c.UpdatedAt))
	} else {
		var ok bool
		ok, err = r.execOne(ctx, `UPDATE canned_responses SET scope = ?, service_id = ?, owner_id = ?, title = ?,
			shortcut = ?, body = ?, extras = ?, from_config = ?, updated_at = ? WHERE id = ? AND tenant_id = ?`,
			c.Scope, c.ServiceID, c.OwnerID, c.Title, c.Shortcut, c.Text, encodeExtras(c), boolInt(c.FromConfig),
			dbTime(c.UpdatedAt), c.ID, c.TenantID)
		if err == nil && !ok {
			return parley.Errorf(parley.ENOTFOUND, "canned response %s not found", c.ID)
		}
	}
	if isUniqueViolation(err) {
		return parley.Errorf(parley.ECONFLICT, "the shortcut /%s is already used in this list", c.Shortcut)
	}
	return err
}

// DeleteCannedResponse removes a response; ENOTFOUND if there is none.
func (s *Store) DeleteCannedResponse(ctx context.Context, id string) error {
	ok, err := s.r().execOne(ctx, `DELETE FROM canned_responses WHERE id = ?`, id)
	if err == nil && !ok {
		err = parley.Errorf(parley.ENOTFOUND, "canned response %s not found", id)
	}
	return wrap("delete canned response", err)
}

// ReplaceConfigCanned replaces the tenant's FromConfig responses by list.
// A response the browser saved with the same shortcut in the same list
// is replaced too: the file wins.
func (s *Store) ReplaceConfigCanned(ctx context.Context, tenantID string, list []*parley.CannedResponse) error {
	err := s.inTx(ctx, func(r runner) error {
		if _, err := r.exec(ctx, `DELETE FROM canned_responses WHERE tenant_id = ? AND from_config = 1`, tenantID); err != nil {
			return err
		}
		for _, c := range list {
			cp := *c
			cp.ID, cp.TenantID, cp.FromConfig = "", tenantID, true
			if _, err := r.exec(ctx, `DELETE FROM canned_responses WHERE tenant_id = ? AND scope = ? AND service_id = ?
				AND owner_id = ? AND shortcut = ?`, tenantID, cp.Scope, cp.ServiceID, cp.OwnerID, cp.Shortcut); err != nil {
				return err
			}
			if err := s.saveCanned(ctx, r, &cp); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("replace configured canned responses", err)
}

// ServiceDesk returns a service's desktop settings (zero if never set).
func (s *Store) ServiceDesk(ctx context.Context, serviceID string) (parley.ServiceDesk, error) {
	var d parley.ServiceDesk
	var disps string
	var required int
	err := s.r().queryRow(ctx, `SELECT dispositions, disposition_required, screen_pop_url, screen_pop_mode
		FROM service_desk WHERE service_id = ?`, serviceID).Scan(&disps, &required, &d.ScreenPopURL, &d.ScreenPopMode)
	if errors.Is(err, sql.ErrNoRows) {
		return parley.ServiceDesk{Dispositions: []string{}}, nil
	} else if err != nil {
		return d, wrap("service desk", err)
	}
	d.DispositionRequired = required != 0
	d.Dispositions = []string{}
	if disps != "" {
		if err := json.Unmarshal([]byte(disps), &d.Dispositions); err != nil {
			return d, wrap("service desk", fmt.Errorf("dispositions of %s: %w", serviceID, err))
		}
	}
	return d, nil
}

// SetServiceDesk stores a service's desktop settings.
func (s *Store) SetServiceDesk(ctx context.Context, serviceID string, d parley.ServiceDesk) error {
	if d.Dispositions == nil {
		d.Dispositions = []string{}
	}
	disps, _ := json.Marshal(d.Dispositions) // strings always marshal
	_, err := s.r().exec(ctx, `INSERT INTO service_desk (service_id, dispositions, disposition_required, screen_pop_url, screen_pop_mode)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (service_id) DO UPDATE SET dispositions = excluded.dispositions,
		disposition_required = excluded.disposition_required, screen_pop_url = excluded.screen_pop_url,
		screen_pop_mode = excluded.screen_pop_mode`,
		serviceID, string(disps), boolInt(d.DispositionRequired), d.ScreenPopURL, d.ScreenPopMode)
	return wrap("set service desk", err)
}

// WrapUps returns the wrap-ups of those of chatIDs that have one.
func (s *Store) WrapUps(ctx context.Context, chatIDs []string) (map[string]*parley.WrapUp, error) {
	out := map[string]*parley.WrapUp{}
	if len(chatIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(chatIDs))
	for i, id := range chatIDs {
		args[i] = id
	}
	rows, err := s.r().query(ctx, `SELECT chat_id, tenant_id, customer_id, disposition, notes, agent_id, updated_at
		FROM chat_wrapups WHERE chat_id IN (?`+strings.Repeat(", ?", len(chatIDs)-1)+`)`, args...)
	if err != nil {
		return nil, wrap("wrap-ups", err)
	}
	list, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.WrapUp, error) {
		var w parley.WrapUp
		err := sc.Scan(&w.ChatID, &w.TenantID, &w.CustomerID, &w.Disposition, &w.Notes, &w.AgentID, scanTime(&w.UpdatedAt))
		return &w, err
	})
	if err != nil {
		return nil, wrap("wrap-ups", err)
	}
	for _, w := range list {
		out[w.ChatID] = w
	}
	return out, nil
}

// SaveWrapUp stores w, appends e and adds fact (if any) in one
// transaction. The fact is a disposition_set, which no report counter
// reads, so metric_intervals need no change with it.
func (s *Store) SaveWrapUp(ctx context.Context, w *parley.WrapUp, fact *parley.Fact, e *parley.Event) error {
	if fact != nil {
		if err := fact.Validate(); err != nil {
			return err
		}
	}
	w.UpdatedAt = s.now()
	created := normTime(e.CreatedAt)
	if created.IsZero() {
		created = w.UpdatedAt
	}
	var id int64
	err := s.inTx(ctx, func(r runner) error {
		if _, err := r.exec(ctx, `INSERT INTO chat_wrapups (chat_id, tenant_id, customer_id, disposition, notes, agent_id, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET disposition = excluded.disposition,
			notes = excluded.notes, agent_id = excluded.agent_id, updated_at = excluded.updated_at`,
			w.ChatID, w.TenantID, w.CustomerID, w.Disposition, w.Notes, w.AgentID, dbTime(w.UpdatedAt)); err != nil {
			return err
		}
		if fact != nil {
			f := *fact
			f.At = normTime(f.At)
			fid, err := insertFact(ctx, r, &f)
			if err != nil {
				return err
			}
			fact.ID, fact.At = fid, f.At
		}
		var err error
		id, err = s.appendEvent(ctx, r, e, created)
		return err
	})
	if err != nil {
		return wrap("save wrap-up", err)
	}
	e.ID, e.CreatedAt = id, created
	return nil
}

// CustomerContact returns the customer's contact fields (zero if none).
func (s *Store) CustomerContact(ctx context.Context, customerID string) (*parley.CustomerContact, error) {
	c := &parley.CustomerContact{CustomerID: customerID, Fields: map[string]string{}}
	var fields string
	err := s.r().queryRow(ctx, `SELECT tenant_id, email, phone, fields, updated_at FROM customer_contacts WHERE customer_id = ?`,
		customerID).Scan(&c.TenantID, &c.Email, &c.Phone, &fields, scanTime(&c.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	} else if err != nil {
		return nil, wrap("customer contact", err)
	}
	if fields != "" {
		if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
			return nil, wrap("customer contact", fmt.Errorf("fields of %s: %w", customerID, err))
		}
	}
	return c, nil
}

// SaveCustomerContact stores the customer's contact fields.
func (s *Store) SaveCustomerContact(ctx context.Context, c *parley.CustomerContact) error {
	c.UpdatedAt = s.now()
	_, err := s.r().exec(ctx, `INSERT INTO customer_contacts (customer_id, tenant_id, email, phone, fields, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET email = excluded.email, phone = excluded.phone,
		fields = excluded.fields, updated_at = excluded.updated_at`,
		c.CustomerID, c.TenantID, c.Email, c.Phone, settingsJSON(c.Fields), dbTime(c.UpdatedAt))
	return wrap("save customer contact", err)
}
