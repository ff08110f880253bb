// Command meta4-repo queries and publishes the metalinks of a repository.
package main

import (
	"github.com/metalink-resources/metalink-resources/shared/cli/tools"
	"github.com/metalink-resources/metalink-resources/shared/program"
)

func main() { program.Run(tools.Programs["meta4-repo"]) }
