// Command meta4-repo queries and publishes the metalinks of a repository.
package main

import (
	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/cli/meta4repocmd"
)

func main() {
	cli.Main(meta4repocmd.Main)
}
