package telegram_test

import (
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/telegram"
)

func TestImplementsChannel(t *testing.T) {
	var c parley.Channel = telegram.New(nil)
	if c.Type() != "telegram" || telegram.Type != "telegram" {
		t.Fatalf("type %q", c.Type())
	}
}
