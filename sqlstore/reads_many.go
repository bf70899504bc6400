package sqlstore

import (
	"context"
	"slices"

	"github.com/parleycc/parley"
)

// Reads of many rows by id, for building many views at once (a routing
// batch's offers): one statement per readsPerQuery ids.

// readsPerQuery keeps an IN list within both databases' limits on bound
// parameters.
const readsPerQuery = 500

// ChatsByID returns the chats of ids that exist, by id.
func (s *Store) ChatsByID(ctx context.Context, ids []string) (map[string]*parley.Chat, error) {
	out, err := readByID(ctx, s.r(), ids, "SELECT "+chatCols+" FROM chats WHERE id IN ", nil, scanChat,
		func(c *parley.Chat) string { return c.ID })
	return out, wrap("chats by id", err)
}

// CustomersByID returns the customers of ids that exist, by id.
func (s *Store) CustomersByID(ctx context.Context, ids []string) (map[string]*parley.Customer, error) {
	out, err := readByID(ctx, s.r(), ids, "SELECT "+customerCols+" FROM customers WHERE id IN ", nil, scanCustomer,
		func(c *parley.Customer) string { return c.ID })
	return out, wrap("customers by id", err)
}

// LastMessages returns each chat's newest message, by chat id; chats
// without messages are absent.
func (s *Store) LastMessages(ctx context.Context, chatIDs []string) (map[string]*parley.Message, error) {
	out, err := readByID(ctx, s.r(), chatIDs, "SELECT "+messageCols+` FROM messages m
		WHERE m.seq = (SELECT MAX(seq) FROM messages WHERE chat_id = m.chat_id) AND m.chat_id IN `, nil, scanMessage,
		func(m *parley.Message) string { return m.ChatID })
	return out, wrap("last messages", err)
}

// LastMessagesFrom is LastMessageFrom for several chats, by chat id.
func (s *Store) LastMessagesFrom(ctx context.Context, chatIDs []string, sender, skipKind string) (map[string]*parley.Message, error) {
	out, err := readByID(ctx, s.r(), chatIDs, "SELECT "+messageCols+` FROM messages m
		WHERE m.seq = (SELECT MAX(seq) FROM messages WHERE chat_id = m.chat_id AND sender = ? AND kind <> ?) AND m.chat_id IN `,
		[]any{sender, skipKind}, scanMessage, func(m *parley.Message) string { return m.ChatID })
	return out, wrap("last messages from", err)
}

// readByID runs query (ending in "IN ") with args and then the ids, a
// chunk at a time, and keys the rows by key.
func readByID[T any](ctx context.Context, r runner, ids []string, query string, args []any,
	scan func(interface{ Scan(...any) error }) (T, error), key func(T) string) (map[string]T, error) {
	out := make(map[string]T, len(ids))
	for chunk := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(ids))), readsPerQuery) {
		rows, err := r.query(ctx, query+inList(chunk), append(slices.Clone(args), anySlice(chunk)...)...)
		if err != nil {
			return nil, err
		}
		got, err := collect(rows, scan)
		if err != nil {
			return nil, err
		}
		for _, v := range got {
			out[key(v)] = v
		}
	}
	return out, nil
}

// ChatParticipants returns the conference guests of each chat that has
// any, by chat id.
func (s *Store) ChatParticipants(ctx context.Context, chatIDs []string) (map[string][]string, error) {
	type guest struct{ chat, agent string }
	out := map[string][]string{}
	for chunk := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(chatIDs))), readsPerQuery) {
		rows, err := s.r().query(ctx, "SELECT chat_id, agent_id FROM chat_participants WHERE chat_id IN "+inList(chunk)+
			" ORDER BY chat_id, agent_id", anySlice(chunk)...)
		if err != nil {
			return nil, wrap("chat participants", err)
		}
		got, err := collect(rows, func(sc interface{ Scan(...any) error }) (guest, error) {
			var g guest
			return g, sc.Scan(&g.chat, &g.agent)
		})
		if err != nil {
			return nil, wrap("chat participants", err)
		}
		for _, g := range got {
			out[g.chat] = append(out[g.chat], g.agent)
		}
	}
	return out, nil
}
