// Command in is the /opt/resource/in of the dynamic-metalink resource.
package main

import (
	"os"

	dynamicmetalink "github.com/metalink-resources/metalink-resources/dynamic-metalink"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
)

func main() {
	concourse.Main(dynamicmetalink.NewIn(os.Stdin, os.Stdout, os.Stderr, os.Args))
}
