// Command meta4 creates, inspects, changes and uses a metalink document.
package main

import (
	"github.com/metalink-resources/metalink-resources/shared/cli/tools"
	"github.com/metalink-resources/metalink-resources/shared/program"
)

func main() { program.Run(tools.Programs["meta4"]) }
