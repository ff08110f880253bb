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

// outStep refuses every put, once source is known to be right, so that a
// mistake in source is what the author fixes first.
var outStep = concourse.Step[OutRequest, settings]{
	Name:     "out",
	TakesDir: true,
	Compile:  func(req *OutRequest, _ string) (settings, error) { return req.Source.compile() },
	Run: func(context.Context, *OutRequest, settings, concourse.Env) (any, error) {
		return nil, errPutUnsupported
	},
}

// NewOut builds out from its streams and arguments.
func NewOut(stdin io.Reader, stdout, stderr io.Writer, args []string) concourse.Executor {
	return concourse.New(outStep, stdin, stdout, stderr, args)
}
