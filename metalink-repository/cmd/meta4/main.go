// Command meta4 creates, inspects, changes and uses a metalink document.
package main

import (
	"github.com/metalink-resources/metalink-resources/metalink-repository/clirun"
	"github.com/metalink-resources/metalink-resources/metalink-repository/meta4"
)

func main() {
	clirun.Main(meta4.Main)
}
