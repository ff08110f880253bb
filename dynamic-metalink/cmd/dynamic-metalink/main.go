// Command dynamic-metalink is every executable of the dynamic-metalink image in one file: run
// under the name check, in or out (the image's /opt/resource links to it) it is that resource
// command, under meta4 or meta4-repo (its /usr/local/bin links) that tool.
package main

import (
	dynamicmetalink "github.com/metalink-resources/metalink-resources/dynamic-metalink"
	"github.com/metalink-resources/metalink-resources/shared/cli/tools"
	"github.com/metalink-resources/metalink-resources/shared/program"
)

func main() { program.Dispatch(dynamicmetalink.Programs, tools.Programs) }
