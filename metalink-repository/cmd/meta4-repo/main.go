// Command meta4-repo queries and publishes the metalinks of a repository.
package main

import (
	"github.com/metalink-resources/metalink-resources/metalink-repository/clirun"
	"github.com/metalink-resources/metalink-resources/metalink-repository/meta4repo"
)

func main() {
	clirun.Main(meta4repo.Main)
}
