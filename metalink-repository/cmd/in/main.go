// Command in is the metalink-repository resource's /opt/resource/in.
package main

import (
	"os"

	metalinkrepository "github.com/metalink-resources/metalink-resources/metalink-repository"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
)

func main() {
	metalinkrepository.LimitMemory()
	concourse.Main(metalinkrepository.NewIn(os.Stdin, os.Stdout, os.Stderr, os.Args))
}
