// Command check is the dynamic-metalink resource's /opt/resource/check.
package main

import (
	dynamicmetalink "github.com/metalink-resources/metalink-resources/dynamic-metalink"
	"github.com/metalink-resources/metalink-resources/shared/program"
)

func main() { program.Run(dynamicmetalink.Programs["check"]) }
