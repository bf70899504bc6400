package inmem

import (
	"testing"

	"github.com/parleycc/parley/bus/bustest"
)

func TestConformance(t *testing.T) {
	b := New()
	bustest.Run(t, b, b, func() {})
}
