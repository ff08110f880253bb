// Command out is the /opt/resource/out of the dynamic-metalink resource: it
// explains that put is not supported.
package main

import (
	"context"
	"os"

	dynamicmetalink "github.com/metalink-resources/metalink-resources/dynamic-metalink"
)

func main() {
	os.Exit(dynamicmetalink.NewOut(os.Stdin, os.Stdout, os.Stderr, os.Args).Execute(context.Background()))
}
