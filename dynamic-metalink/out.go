package dynamicmetalink

import (
	"context"
	"errors"
	"io"
)

// errPutUnsupported is the answer to every put: the versions of this
// resource come from scripts, so there is nowhere to publish to.
var errPutUnsupported = errors.New("put is not supported by dynamic-metalink; use a metalink-repository resource to publish")

// Out refuses every put with a clear message.
type Out struct {
	console *console
}

// NewOut builds out from its streams; it reads none of them but stderr.
func NewOut(stdin io.Reader, stdout, stderr io.Writer, args []string) *Out {
	return &Out{console: newConsole(stderr)}
}

// Execute prints why put is not supported and returns the exit code 1.
func (c *Out) Execute(ctx context.Context) int {
	return c.console.finish("out", errPutUnsupported)
}
