package metalinkrepository

import (
	"context"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/program"
)

// Programs are the resource's commands by the names of their links in
// /opt/resource.
var Programs = program.Programs{"check": limited(NewCheck), "in": limited(NewIn), "out": limited(NewOut)}

// limited runs a command of this resource under its soft memory limit, set
// only in the process that runs it, never in a test's.
func limited(newCommand concourse.Constructor) program.Program {
	run := concourse.Program(newCommand)
	return func(ctx context.Context, p program.Process) int {
		limitMemory()
		return run(ctx, p)
	}
}
