// Command check is the /opt/resource/check of the dynamic-metalink resource.
package main

import (
	"os"

	dynamicmetalink "github.com/metalink-resources/metalink-resources/dynamic-metalink"
	"github.com/metalink-resources/metalink-resources/shared/concourse"
)

func main() {
	concourse.Main(dynamicmetalink.NewCheck(os.Stdin, os.Stdout, os.Stderr, os.Args))
}
