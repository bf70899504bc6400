package scenario_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/scenario"
)

// blockFixture is one file of testdata/blocks: a scenario exercising one
// block type and the conversation scripts it must pass.
type blockFixture struct {
	Scenario yaml.Node       `yaml:"scenario"`
	Cases    []scenario.Case `yaml:"cases"`
}

// TestBlocks runs every fixture's cases through the simulation runtime.
// Each file is a table for one block type.
func TestBlocks(t *testing.T) {
	files, err := filepath.Glob("testdata/blocks/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			sc, cases := loadFixture(t, file)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					fails, err := scenario.RunCase(context.Background(), sc, c)
					if err != nil {
						t.Fatalf("run: %v", err)
					}
					for _, f := range fails {
						t.Errorf("%s:%s", file, f)
					}
				})
			}
		})
	}
}

func loadFixture(t *testing.T, file string) (*scenario.Scenario, []scenario.Case) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var fx blockFixture
	if err := yaml.Unmarshal(data, &fx); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	src, err := yaml.Marshal(&fx.Scenario)
	if err != nil {
		t.Fatal(err)
	}
	decl, err := config.ParseScenario(file, src, nil)
	if err != nil {
		t.Fatalf("%s: scenario: %v", file, err)
	}
	def, err := decl.DefinitionJSON()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(def, 1)
	if err != nil {
		t.Fatal(err)
	}
	return sc, fx.Cases
}
