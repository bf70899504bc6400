package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestLogFormat: PARLEY_LOG_FORMAT=json writes one JSON object a line;
// an unknown format is refused.
func TestLogFormat(t *testing.T) {
	var buf bytes.Buffer
	log, err := logger("info", "json", &buf)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("parley started", "url", "http://127.0.0.1:8080")
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil || rec["msg"] != "parley started" || rec["url"] != "http://127.0.0.1:8080" {
		t.Fatalf("json log line %q: %v", buf.String(), err)
	}
	if _, err := logger("info", "xml", &buf); err == nil {
		t.Fatal("log format xml accepted")
	}
}
