package program_test

import (
	"context"
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/program"
)

func exits(code int) program.Program {
	return func(context.Context, program.Process) int { return code }
}

func TestLookupFindsTheProgramInAnyTable(t *testing.T) {
	resource := program.Programs{"check": exits(10), "in": exits(11)}
	tools := program.Programs{"meta4": exits(12)}
	for name, want := range map[string]int{"check": 10, "in": 11, "meta4": 12} {
		prog, err := program.Lookup(name, resource, tools)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", name, err)
		}
		if got := prog(context.Background(), program.Process{}); got != want {
			t.Errorf("Lookup(%q) ran the program exiting %d, want %d", name, got, want)
		}
	}
}

func TestLookupOfAnUnknownNameListsTheKnownOnes(t *testing.T) {
	_, err := program.Lookup("dynamic-metalink", program.Programs{"check": exits(0), "out": exits(0), "in": exits(0)},
		program.Programs{"meta4": exits(0)})
	want := "dynamic-metalink: run as check, in, meta4 or out (a link of that name to this file)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}
