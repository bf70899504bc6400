package sqlstore

import (
	"context"
	"time"

	"github.com/parleycc/parley"
)

// Articles offered in chats (migration 0023), for the self-service report.

// RecordOffers notes the articles offered in a chat; an article offered
// again keeps its first offer.
func (s *Store) RecordOffers(ctx context.Context, tenantID, chatID string, articleIDs []string, at time.Time) error {
	err := s.inTx(ctx, func(r runner) error {
		for _, id := range articleIDs {
			if _, err := r.exec(ctx, `INSERT INTO kb_offers (tenant_id, chat_id, article_id, offered_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (chat_id, article_id) DO NOTHING`, tenantID, chatID, id, dbTime(at)); err != nil {
				return err
			}
		}
		return nil
	})
	return wrap("record offers", err)
}

// MarkOffer records the first time an offered article was opened or said
// to help. An article that was not offered in the chat is ignored.
func (s *Store) MarkOffer(ctx context.Context, tenantID, chatID, articleID, what string, at time.Time) error {
	col := map[string]string{parley.OfferOpened: "opened_at", parley.OfferHelped: "helped_at"}[what]
	if col == "" {
		return parley.Errorf(parley.EINVALID, "mark offer: %q is not opened or helped", what)
	}
	_, err := s.r().exec(ctx, "UPDATE kb_offers SET "+col+" = ? WHERE tenant_id = ? AND chat_id = ? AND article_id = ? AND "+col+" = 0",
		dbTime(at), tenantID, chatID, articleID)
	return wrap("mark offer", err)
}

// SelfServiceChats lists the chats first offered articles in [from, to)
// with what became of them.
func (s *Store) SelfServiceChats(ctx context.Context, tenantID string, from, to time.Time) ([]*parley.SelfServiceChat, error) {
	rows, err := s.r().query(ctx, `SELECT o.chat_id, o.article_id, o.opened_at <> 0, o.helped_at <> 0, c.service_id, c.state,
			EXISTS (SELECT 1 FROM chat_facts f WHERE f.chat_id = o.chat_id AND f.kind = ?),
			(SELECT COUNT(*) FROM tickets t WHERE t.chat_id = o.chat_id)
		FROM kb_offers o JOIN chats c ON c.id = o.chat_id
		WHERE o.tenant_id = ? AND o.chat_id IN (
			SELECT chat_id FROM kb_offers WHERE tenant_id = ? GROUP BY chat_id HAVING MIN(offered_at) >= ? AND MIN(offered_at) < ?)
		ORDER BY o.chat_id, o.offered_at, o.article_id`,
		parley.FactAccepted, tenantID, tenantID, dbTime(from), dbTime(to))
	if err != nil {
		return nil, wrap("self-service chats", err)
	}
	defer rows.Close()
	var out []*parley.SelfServiceChat
	for rows.Next() {
		var o parley.ArticleOffer
		var chatID, svc, state string
		var agent bool
		var tickets int
		if err := rows.Scan(&chatID, &o.ArticleID, &o.Opened, &o.Helped, &svc, &state, &agent, &tickets); err != nil {
			return nil, wrap("self-service chats", err)
		}
		if len(out) == 0 || out[len(out)-1].ChatID != chatID {
			out = append(out, &parley.SelfServiceChat{ChatID: chatID, ServiceID: svc, Closed: state == parley.ChatClosed, Agent: agent, Tickets: tickets})
		}
		c := out[len(out)-1]
		c.Offers = append(c.Offers, o)
	}
	return out, wrap("self-service chats", rows.Err())
}
