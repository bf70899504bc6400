package sqlstore

import (
	"context"
	"strings"

	"github.com/parleycc/parley"
)

// lastAgentExpr is a chat's agent: the one it is with, else the last
// agent (not a supervisor who barged in) who wrote in it (a chat's
// agent_id is cleared when the agent's part ends).
const lastAgentExpr = `COALESCE(NULLIF(c.agent_id, ''), (SELECT m.agent_id FROM messages m JOIN users u ON u.id = m.agent_id
	WHERE m.chat_id = c.id AND m.sender = 'agent' AND u.role = 'agent' ORDER BY m.seq DESC LIMIT 1), '')`

// SearchTranscripts finds chats, open and closed, by q's filters and full
// text, newest first. Every word of q.Words must start a word of some
// message of the chat (FTS5 prefix queries on SQLite, tsquery prefixes on
// PostgreSQL: the same matches on both, no stemming).
func (s *Store) SearchTranscripts(ctx context.Context, q parley.TranscriptQuery) ([]*parley.TranscriptHit, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	if len(q.Words) > 0 {
		// SQLite's index follows the messages in batches: bring it up to
		// date first (message_search.go).
		if err := s.indexMessages(ctx); err != nil {
			return nil, err
		}
	}
	var where []string
	args := []any{q.TenantID}
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if !q.From.IsZero() {
		add("c.created_at >= ?", dbTime(q.From))
	}
	if !q.To.IsZero() {
		add("c.created_at < ?", dbTime(q.To))
	}
	if q.Services != nil {
		if len(q.Services) == 0 {
			return nil, nil
		}
		add("c.service_id IN ("+placeholders(len(q.Services))+")", anySlice(q.Services)...)
	}
	if q.ServiceID != "" {
		add("c.service_id = ?", q.ServiceID)
	}
	if q.AgentID != "" {
		add(`(c.agent_id = ? OR EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = c.id AND m.agent_id = ?)
			OR EXISTS (SELECT 1 FROM chat_facts f WHERE f.tenant_id = c.tenant_id AND f.chat_id = c.id AND f.agent_id = ?))`,
			q.AgentID, q.AgentID, q.AgentID)
	}
	if q.CustomerID != "" {
		add("c.customer_id = ?", q.CustomerID)
	}
	if name := strings.TrimSpace(q.Customer); name != "" {
		add("LOWER(COALESCE(cu.first_name, '') || ' ' || COALESCE(cu.last_name, '')) LIKE ?", "%"+likeEscape(strings.ToLower(name))+"%")
		where[len(where)-1] += ` ESCAPE '\'`
	}
	if q.Channel != "" {
		add("a.type = ?", q.Channel)
	}
	if q.Disposition != "" {
		add(`EXISTS (SELECT 1 FROM chat_facts f WHERE f.tenant_id = c.tenant_id AND f.chat_id = c.id
			AND f.kind = ? AND f.disposition = ?)`, parley.FactDispositionSet, q.Disposition)
	}
	if q.Open != nil {
		if *q.Open {
			add("c.state <> ?", parley.ChatClosed)
		} else {
			add("c.state = ?", parley.ChatClosed)
		}
	}
	for _, w := range q.Words {
		if s.d.pg() {
			add(`c.id IN (SELECT m.chat_id FROM messages m WHERE m.tenant_id = ? AND m.search @@ to_tsquery('simple', ?))`,
				q.TenantID, pgPrefix(w))
		} else {
			add(`c.id IN (SELECT chat_id FROM messages_fts WHERE messages_fts MATCH ?)`, `text : "`+w+`"*`)
		}
	}
	if !q.AfterTime.IsZero() {
		add("(c.created_at < ? OR (c.created_at = ? AND c.id < ?))", dbTime(q.AfterTime), dbTime(q.AfterTime), q.AfterID)
	}
	cond := ""
	if len(where) > 0 {
		cond = " AND " + strings.Join(where, " AND ")
	}
	query := "SELECT " + prefixed("c.", chatCols) + `,
		COALESCE(cu.first_name, ''), COALESCE(cu.last_name, ''), COALESCE(sv.name, ''), COALESCE(a.name, ''), COALESCE(a.type, ''),
		` + lastAgentExpr + `, (SELECT COUNT(*) FROM messages x WHERE x.chat_id = c.id)
		FROM chats c
		LEFT JOIN customers cu ON cu.id = c.customer_id
		LEFT JOIN services sv ON sv.id = c.service_id
		LEFT JOIN accounts a ON a.id = c.account_id
		WHERE c.tenant_id = ?` + cond + `
		ORDER BY c.created_at DESC, c.id DESC LIMIT ?`
	rows, err := s.r().query(ctx, query, append(args, q.Limit)...)
	if err != nil {
		return nil, wrap("search transcripts", err)
	}
	hits, err := collect(rows, func(sc interface{ Scan(...any) error }) (*parley.TranscriptHit, error) {
		c, dest, finish := chatDest()
		h := &parley.TranscriptHit{Chat: c}
		var first, last, agent string
		dest = append(dest, &first, &last, &h.ServiceName, &h.AccountName, &h.Channel, &agent, &h.Messages)
		if err := sc.Scan(dest...); err != nil {
			return nil, err
		}
		h.CustomerName = strings.TrimSpace(first + " " + last)
		h.AgentName = agent // an id here; names are filled below
		return h, finish()
	})
	if err != nil {
		return nil, wrap("search transcripts", err)
	}
	return hits, wrap("search transcripts", s.agentNames(ctx, hits))
}

// agentNames replaces each hit's AgentName (an agent id) by the agent's
// display name, reading each agent once.
func (s *Store) agentNames(ctx context.Context, hits []*parley.TranscriptHit) error {
	names := map[string]string{}
	for _, h := range hits {
		id := h.AgentName
		if id == "" {
			continue
		}
		name, ok := names[id]
		if !ok {
			var err error
			name, err = s.UserDisplayName(ctx, id)
			if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
				return err
			}
			names[id] = name
		}
		h.AgentName = name
	}
	return nil
}

// pgPrefix is a tsquery matching words that start with w (letters and
// digits only: parley.SearchWords).
func pgPrefix(w string) string { return w + ":*" }

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// likeEscape escapes LIKE's wildcards (with \ as the escape character).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
