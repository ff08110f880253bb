// Command metalink-repository is every executable of the metalink-repository image in one file: run
// under the name check, in or out (the image's /opt/resource links to it) it is that resource
// command, under meta4 or meta4-repo (its /usr/local/bin links) that tool.
package main

import (
	metalinkrepository "github.com/metalink-resources/metalink-resources/metalink-repository"
	"github.com/metalink-resources/metalink-resources/shared/cli/tools"
	"github.com/metalink-resources/metalink-resources/shared/program"
)

func main() { program.Dispatch(metalinkrepository.Programs, tools.Programs) }
