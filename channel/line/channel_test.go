package line_test

import (
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
)

func TestImplementsChannel(t *testing.T) {
	var c parley.Channel = line.New(nil)
	if c.Type() != "line" || line.Type != "line" {
		t.Fatalf("type %q", c.Type())
	}
}
