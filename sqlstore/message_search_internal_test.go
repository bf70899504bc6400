package sqlstore

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/parleycc/parley"
)

// TestMessageSearchBehind: on SQLite a stored message is not indexed
// by the insert itself; a search indexes every message stored before it
// (in bounded transactions), each exactly once, leaves out empty texts
// and actions, and indexers running at once neither skip nor double a
// message.
func TestMessageSearchBehind(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	s.search.close()  // the test indexes by itself
	s.searchBatch = 7 // several transactions per catch-up

	chat := newSearchChat(t, s)
	add := func(text, kind string) {
		t.Helper()
		if err := s.AddMessage(ctx, &parley.Message{ChatID: chat.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer,
			Kind: kind, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	indexed := func() int {
		t.Helper()
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM messages_fts").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	search := func(word string) int {
		t.Helper()
		hits, err := s.SearchTranscripts(ctx, parley.TranscriptQuery{TenantID: chat.TenantID, Words: []string{word}})
		if err != nil {
			t.Fatal(err)
		}
		return len(hits)
	}

	for i := range 20 {
		add(fmt.Sprintf("parcel number %d", i), parley.KindText)
	}
	add("", parley.KindAttachment)
	add("agent joined", parley.KindAction)
	if n := indexed(); n != 0 {
		t.Fatalf("%d messages indexed as they were stored, want 0 (indexed behind)", n)
	}
	if search("parcel") != 1 {
		t.Fatal("a search does not find messages stored before it")
	}
	if n := indexed(); n != 20 {
		t.Fatalf("%d messages indexed, want the 20 with text that are not actions", n)
	}
	if search("joined") != 0 {
		t.Fatal("an action was indexed")
	}

	// Indexers at once: each message still indexed once.
	for i := range 30 {
		add(fmt.Sprintf("refund %d", i), parley.KindText)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.indexMessages(ctx)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := indexed(); n != 50 {
		t.Fatalf("%d messages indexed after concurrent indexers, want 50", n)
	}
	var upto, top int64
	if err := s.db.QueryRowContext(ctx, "SELECT (SELECT upto FROM message_search_mark), (SELECT MAX(rowid) FROM messages)").Scan(&upto, &top); err != nil {
		t.Fatal(err)
	}
	if upto != top {
		t.Fatalf("mark %d, want the last message's rowid %d", upto, top)
	}
}

// TestMessageSearchIndexer: the store's own indexer indexes new messages
// without a search asking.
func TestMessageSearchIndexer(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t)
	chat := newSearchChat(t, s)
	if err := s.AddMessage(ctx, &parley.Message{ChatID: chat.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer,
		Kind: parley.KindText, Text: "where is my parcel"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the indexer to index the message", func() bool {
		var n int
		err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'parcel'").Scan(&n)
		return err == nil && n == 1
	})
}

func newSearchChat(t *testing.T, s *Store) *parley.Chat {
	t.Helper()
	ctx := context.Background()
	acct := &parley.Account{TenantID: "t1", Name: "page", Type: "facebook", PageID: "p1", AccessToken: "x", AppSecret: "y", VerifyToken: "z", Active: true}
	if err := s.UpsertAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	cust, _, err := s.EnsureCustomer(ctx, &parley.Customer{TenantID: "t1", AccountID: acct.ID, ExternalID: "c1", FirstName: "Maria"})
	if err != nil {
		t.Fatal(err)
	}
	c := &parley.Chat{TenantID: "t1", AccountID: acct.ID, CustomerID: cust.ID}
	if err := s.CreateChat(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c
}
