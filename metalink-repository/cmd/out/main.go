// Command out is the metalink-repository resource's /opt/resource/out.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	metalinkrepository "github.com/metalink-resources/metalink-resources/metalink-repository"
)

func main() {
	metalinkrepository.LimitMemory()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := metalinkrepository.NewOut(os.Stdin, os.Stdout, os.Stderr, os.Args).Run(ctx)
	stop()
	os.Exit(code)
}
