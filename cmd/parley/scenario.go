package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/scenario"
)

const scenarioUsage = `Usage:
  parley scenario test SCRIPT...
      run conversation scripts against the scenario they name
  parley scenario replay -config FILE -scenario NAME [-database DSN] [-limit N]
      replay the customer side of recorded chats against the scenario in
      FILE and report where the bot now answers differently
`

// scriptFile is a file of conversation scripts for one scenario.
type scriptFile struct {
	Config   string          `yaml:"config"`   // the configuration file, relative to the script
	Scenario string          `yaml:"scenario"` // the scenario to test
	Cases    []scenario.Case `yaml:"cases"`
}

func scenarioCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, scenarioUsage)
		return usageError{errors.New("bad usage")}
	}
	switch args[0] {
	case "test":
		if len(args) < 2 {
			fmt.Fprint(stderr, scenarioUsage)
			return usageError{errors.New("no script given")}
		}
		failed := 0
		for _, path := range args[1:] {
			n, err := runScripts(ctx, path, stdout)
			if err != nil {
				return err
			}
			failed += n
		}
		if failed > 0 {
			return fmt.Errorf("%d case(s) failed", failed)
		}
		return nil
	case "replay":
		return replayCmd(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, scenarioUsage)
	return usageError{fmt.Errorf("unknown scenario command %q", args[0])}
}

// runScripts runs one script file and returns how many cases failed.
func runScripts(ctx context.Context, path string, out io.Writer) (int, error) {
	sf, err := readScripts(path)
	if err != nil {
		return 0, err
	}
	if sf.Config == "" || sf.Scenario == "" {
		return 0, fmt.Errorf("%s: config and scenario are required", path)
	}
	sc, err := loadScenario(filepath.Join(filepath.Dir(path), sf.Config), sf.Scenario)
	if err != nil {
		return 0, err
	}
	failed := 0
	for _, c := range sf.Cases {
		fails, err := scenario.RunCase(ctx, sc, c)
		if err != nil {
			return failed, fmt.Errorf("%s: case %q: %w", path, c.Name, err)
		}
		if len(fails) == 0 {
			fmt.Fprintf(out, "ok    %s: %s\n", sf.Scenario, c.Name)
			continue
		}
		failed++
		fmt.Fprintf(out, "FAIL  %s: %s\n", sf.Scenario, c.Name)
		for _, f := range fails {
			sep := ":"
			if f.Line == 0 {
				sep = ": "
			}
			fmt.Fprintf(out, "      %s%s%s\n", path, sep, f)
		}
	}
	return failed, nil
}

// readScripts decodes a script file, remembering each step's line.
func readScripts(path string) (*scriptFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var sf scriptFile
	if err := root.Decode(&sf); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	cases := valueOf(doc, "cases")
	for i := range sf.Cases {
		if cases == nil || i >= len(cases.Content) {
			break
		}
		steps := valueOf(cases.Content[i], "steps")
		for j := range sf.Cases[i].Steps {
			if steps != nil && j < len(steps.Content) {
				sf.Cases[i].Steps[j].Line = steps.Content[j].Line
			}
		}
	}
	return &sf, nil
}

func valueOf(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// loadScenario compiles the named scenario of a configuration file.
func loadScenario(cfgPath, name string) (*scenario.Scenario, error) {
	f, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	for _, s := range f.Scenarios {
		if s.Name == name {
			data, err := s.DefinitionJSON()
			if err != nil {
				return nil, err
			}
			return scenario.Decode(data, 0)
		}
	}
	return nil, fmt.Errorf("%s: no scenario %q", cfgPath, name)
}

// scenarioFlags parses the flags of a scenario subcommand.
func scenarioFlags(name string, args []string, stderr io.Writer, defs func(fs *flag.FlagSet)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	defs(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}
