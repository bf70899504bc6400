package sqlstore

import (
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRebind(t *testing.T) {
	q := "SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?"
	if got := sqliteDialect.rebind(q); got != q {
		t.Fatalf("sqlite rebind changed the query: %s", got)
	}
	want := "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4"
	if got := postgresDialect.rebind(q); got != want {
		t.Fatalf("postgres rebind = %s, want %s", got, want)
	}
}

func TestDialectFor(t *testing.T) {
	for _, dsn := range []string{"postgres://u@h/db", "postgresql://u@h/db?sslmode=disable"} {
		d, driver, src, err := dialectFor(dsn)
		if err != nil || d != postgresDialect || driver != "pgx" || src != dsn {
			t.Fatalf("%s: %v %s %s %v", dsn, d, driver, src, err)
		}
	}
	path := filepath.Join(t.TempDir(), "a", "b.db")
	d, driver, src, err := dialectFor(path + "?_time_format=sqlite")
	if err != nil || d != sqliteDialect || driver != "sqlite" {
		t.Fatalf("sqlite: %v %s %v", d, driver, err)
	}
	p, rawQuery, _ := strings.Cut(strings.TrimPrefix(src, "file:"), "?")
	q, _ := url.ParseQuery(rawQuery)
	if p != path || q.Get("_txlock") != "immediate" || q.Get("_time_format") != "sqlite" ||
		!slices.Contains(q["_pragma"], "wal_autocheckpoint(0)") || len(q["_pragma"]) != 6 {
		t.Fatalf("sqlite source = %s", src)
	}
	if _, _, _, err := dialectFor(""); err == nil {
		t.Fatal("empty DSN accepted")
	}
}
