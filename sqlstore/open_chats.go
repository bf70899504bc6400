package sqlstore

import (
	"context"
	"slices"

	"github.com/parleycc/parley"
)

// openChatCols are the columns after chatCols in openChatsQuery, in the
// order openChatScan reads them.
const openChatCols = `COALESCE(cu.id, ''), COALESCE(cu.first_name, ''), COALESCE(cu.last_name, ''), COALESCE(cu.profile_pic, ''),
	COALESCE(sv.name, ''),
	CASE WHEN r.chat_id IS NULL THEN 0 ELSE 1 END, COALESCE(r.decision, ''), COALESCE(r.target_agent, ''),
	COALESCE(r.note, ''), COALESCE(r.declined, ''), COALESCE(r.abandoned, 0),
	CASE WHEN o.chat_id IS NULL THEN 0 ELSE 1 END, COALESCE(o.agent_id, ''), COALESCE(o.service_id, ''),
	o.offered_at, o.expires_at, COALESCE(o.decision, ''),
	CASE WHEN m.id IS NULL THEN 0 ELSE 1 END, COALESCE(m.id, ''), COALESCE(m.seq, 0), COALESCE(m.direction, ''),
	COALESCE(m.sender, ''), COALESCE(m.agent_id, ''), COALESCE(m.kind, ''), COALESCE(m.text, ''),
	COALESCE(m.payload, ''), COALESCE(m.status, ''), COALESCE(m.error, ''), m.created_at,
	COALESCE(mu.display_name, '')`

// openChatsQuery reads a tenant's newest open chats with their customer,
// service, routing record, conference guests, offer and last message (the
// one with the highest seq, found on the (chat_id, seq) index). The
// tables joined have at most one row per chat, so it is one row per chat.
// The newest chats are picked by id first: sorting narrow rows is cheaper.
func (s *Store) openChatsQuery() string {
	return "SELECT " + prefixed("c.", chatCols) + ", " + openChatCols + `,
	COALESCE((SELECT ` + s.d.stringAgg("p.agent_id") + ` FROM chat_participants p WHERE p.chat_id = c.id), '')
	FROM (SELECT id FROM chats WHERE tenant_id = ? AND state IN (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?) top
	JOIN chats c ON c.id = top.id
	LEFT JOIN customers cu ON cu.id = c.customer_id
	LEFT JOIN services sv ON sv.id = c.service_id
	LEFT JOIN chat_routing r ON r.chat_id = c.id
	LEFT JOIN chat_offers o ON o.chat_id = c.id
	LEFT JOIN messages m ON m.chat_id = c.id AND m.seq = (SELECT MAX(x.seq) FROM messages x WHERE x.chat_id = c.id)
	LEFT JOIN users mu ON mu.id = m.agent_id
	ORDER BY c.created_at DESC, c.id DESC`
}

// OpenChats returns up to limit of the tenant's open (queued or assigned)
// chats, newest first, each with what a view of it shows, in one query.
func (s *Store) OpenChats(ctx context.Context, tenantID string, limit int) ([]*parley.OpenChat, error) {
	rows, err := s.p().query(ctx, s.openChatsQuery(), tenantID, parley.ChatQueued, parley.ChatAssigned, limit)
	if err != nil {
		return nil, wrap("open chats", err)
	}
	out, err := collect(rows, scanOpenChat)
	return out, wrap("open chats", err)
}

// scanOpenChat reads one row of openChatsQuery.
func scanOpenChat(sc interface{ Scan(...any) error }) (*parley.OpenChat, error) {
	c, dest, finish := chatDest()
	oc := &parley.OpenChat{Chat: c}
	cu := &oc.Customer
	var cr parley.ChatRouting
	var o parley.Offer
	var m parley.Message
	var hasRouting, hasOffer, hasMessage, abandoned int
	var declined, parts string
	dest = append(dest, &cu.ID, &cu.FirstName, &cu.LastName, &cu.ProfilePic, &oc.ServiceName,
		&hasRouting, &cr.Decision, &cr.TargetAgent, &cr.Note, &declined, &abandoned,
		&hasOffer, &o.AgentID, &o.ServiceID, scanTime(&o.OfferedAt), scanTime(&o.ExpiresAt), &o.Decision,
		&hasMessage, &m.ID, &m.Seq, &m.Direction, &m.Sender, &m.AgentID, &m.Kind, &m.Text,
		&m.Payload, &m.Status, &m.Error, scanTime(&m.CreatedAt), &oc.LastAgentName, &parts)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	if err := finish(); err != nil {
		return nil, err
	}
	if cu.ID != "" {
		cu.TenantID = c.TenantID
	}
	if hasRouting != 0 {
		cr.ChatID, cr.Declined, cr.Abandoned = c.ID, decodeList(declined), abandoned != 0
		if parts != "" {
			cr.Participants = splitComma(parts)
			slices.Sort(cr.Participants)
		}
		oc.Routing = &cr
	}
	if hasOffer != 0 {
		o.ChatID, o.TenantID = c.ID, c.TenantID
		oc.Offer = &o
	}
	if hasMessage != 0 {
		m.ChatID, m.TenantID = c.ID, c.TenantID
		oc.LastMessage = &m
	}
	return oc, nil
}
