// Package tools names the command-line tools for the executables that carry
// them: each image's one executable runs meta4 or meta4-repo by the name of
// its /usr/local/bin link.
package tools

import (
	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/cli/meta4cmd"
	"github.com/metalink-resources/metalink-resources/shared/cli/meta4repocmd"
	"github.com/metalink-resources/metalink-resources/shared/program"
)

// Programs are the tools by their names.
var Programs = program.Programs{
	"meta4":      cli.Program(meta4cmd.New),
	"meta4-repo": cli.Program(meta4repocmd.New),
}
