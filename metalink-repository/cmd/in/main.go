// Command in is the metalink-repository resource's /opt/resource/in.
package main

import (
	metalinkrepository "github.com/metalink-resources/metalink-resources/metalink-repository"
	"github.com/metalink-resources/metalink-resources/shared/program"
)

func main() { program.Run(metalinkrepository.Programs["in"]) }
