// Command meta4 creates, inspects, changes and uses a metalink document.
package main

import (
	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/cli/meta4cmd"
)

func main() {
	cli.Main(meta4cmd.Main)
}
