package dynamicmetalink

import (
	"context"
	"errors"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
)

// errPutUnsupported is the answer to every put: the versions of this
// resource come from scripts, so there is nowhere to publish to.
var errPutUnsupported = errors.New("put is not supported by dynamic-metalink; use a metalink-repository resource to publish")

// outStep refuses every put. The request is still decoded strictly, but
// source is not compiled: whatever it holds, there is nowhere to put to.
var outStep = concourse.Step[OutRequest, settings]{
	Name:     "out",
	TakesDir: true,
	Compile: func(*OutRequest, concourse.Env) (settings, error) {
		return settings{}, errPutUnsupported
	},
	Run: func(context.Context, *OutRequest, settings, concourse.Env) (any, error) {
		return nil, errPutUnsupported
	},
}

// NewOut builds out from its streams and arguments.
func NewOut(stdin io.Reader, stdout, stderr io.Writer, args []string) concourse.Executor {
	return concourse.New(outStep, stdin, stdout, stderr, args)
}
