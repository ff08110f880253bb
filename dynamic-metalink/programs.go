package dynamicmetalink

import (
	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/program"
)

// Programs are the resource's commands by the names of their links in
// /opt/resource.
var Programs = program.Programs{
	"check": concourse.Program(NewCheck),
	"in":    concourse.Program(NewIn),
	"out":   concourse.Program(NewOut),
}
