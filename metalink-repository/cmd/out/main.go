// Command out is the metalink-repository resource's /opt/resource/out.
package main

import (
	metalinkrepository "github.com/metalink-resources/metalink-resources/metalink-repository"
	"github.com/metalink-resources/metalink-resources/shared/program"
)

func main() { program.Run(metalinkrepository.Programs["out"]) }
