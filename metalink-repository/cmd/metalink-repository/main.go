// Command metalink-repository is every executable of the metalink-repository image in one file:
// run under the name check, in or out (the image's /opt/resource links to it) it is that resource
// command, under meta4 or meta4-repo (its /usr/local/bin links) that tool. Five separate binaries
// would each carry the same backends and SDKs, five times the size.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	metalinkrepository "github.com/metalink-resources/metalink-resources/metalink-repository"
	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/cli/meta4cmd"
	"github.com/metalink-resources/metalink-resources/shared/cli/meta4repocmd"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
)

func main() {
	switch name := filepath.Base(os.Args[0]); name {
	case "check":
		metalinkrepository.LimitMemory()
		concourse.Main(metalinkrepository.NewCheck(os.Stdin, os.Stdout, os.Stderr, os.Args))
	case "in":
		metalinkrepository.LimitMemory()
		concourse.Main(metalinkrepository.NewIn(os.Stdin, os.Stdout, os.Stderr, os.Args))
	case "out":
		metalinkrepository.LimitMemory()
		concourse.Main(metalinkrepository.NewOut(os.Stdin, os.Stdout, os.Stderr, os.Args))
	case "meta4":
		cli.Main(meta4cmd.Main)
	case "meta4-repo":
		cli.Main(meta4repocmd.Main)
	default:
		fmt.Fprintf(os.Stderr, "%s: run as check, in, out, meta4 or meta4-repo (a link of that name to this file)\n", name)
		os.Exit(cli.ExitUsage)
	}
}
