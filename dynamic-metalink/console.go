package dynamicmetalink

import (
	"io"

	"github.com/metalink-resources/metalink-resources/shared/redact"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
)

// console is a command's stderr. Everything logged through it is redacted,
// and it remembers whether the last line was left unfinished (a script may
// end without a newline) so that the fatal line always starts a line of its
// own and a pipeline author sees it as the last line.
type console struct {
	out     *lineTracker
	log     *redact.Writer
	secrets []string
}

func newConsole(stderr io.Writer) *console {
	out := &lineTracker{out: stderr}
	return &console{out: out, log: redact.NewWriter(out)}
}

// redact sets the secrets to hide; call it before anything is logged, as
// soon as the request that names them has been decoded.
func (c *console) redact(secrets []string) {
	c.secrets = secrets
	c.log = redact.NewWriter(c.out, secrets...)
}

// Write logs p, redacted.
func (c *console) Write(p []byte) (int, error) {
	return c.log.Write(p)
}

// finish ends the command: it prints err (if any) as the one fatal line and
// returns the exit code.
func (c *console) finish(command string, err error) int {
	c.log.Flush()
	if err == nil {
		return 0
	}
	if c.out.midLine {
		io.WriteString(c.out, "\n")
	}
	return concourse.Fail(c.out, command, err, c.secrets...)
}

// lineTracker remembers whether the last byte written was a newline. Only
// the redacting writer (which serialises its writes) and finish write to it.
type lineTracker struct {
	out     io.Writer
	midLine bool
}

func (t *lineTracker) Write(p []byte) (int, error) {
	n, err := t.out.Write(p)
	if n > 0 {
		t.midLine = p[n-1] != '\n'
	}
	return n, err
}
