package concourse

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// console is a command's stderr. Everything logged through it is redacted,
// and it remembers whether the last line was left unfinished (a script may
// end without a newline) so that the fatal line always starts a line of its
// own and a pipeline author sees it as the last line.
type console struct {
	out      *lineTracker
	log      *redact.Writer
	secrets  []string
	writeErr error // the first failed write, reported by finish
}

func newConsole(stderr io.Writer) *console {
	out := &lineTracker{out: stderr}
	return &console{out: out, log: redact.NewWriter(out)}
}

// redact adds secrets to hide from everything logged from now on.
func (c *console) redact(secrets []string) {
	if len(secrets) == 0 {
		return
	}
	c.secrets = append(c.secrets, secrets...)
	// Nothing is logged before the settings are compiled; a partial line
	// (there is none yet) would only be written early.
	_ = c.log.Flush()
	c.log = redact.NewWriter(c.out, c.secrets...)
}

// Write logs p, redacted.
func (c *console) Write(p []byte) (int, error) {
	n, err := c.log.Write(p)
	if err != nil && c.writeErr == nil {
		c.writeErr = err
	}
	return n, err
}

// finish ends the command: it prints err (if any) as the one fatal line,
// "<command>: <error>", redacted, and returns the exit code.
func (c *console) finish(command string, err error) int {
	if flushErr := c.log.Flush(); c.writeErr == nil {
		c.writeErr = flushErr
	}
	if err == nil && c.writeErr != nil {
		err = fmt.Errorf("write log: %w", c.writeErr)
	}
	if err == nil {
		return 0
	}
	if c.out.midLine {
		// stderr is all a failing command has left; nowhere to report to.
		_, _ = io.WriteString(c.out, "\n")
	}
	line := strings.Join(strings.Fields(err.Error()), " ")
	_, _ = fmt.Fprintf(c.out, "%s: %s\n", command, escapeControls(redact.String(line, c.secrets...)))
	return 1
}

// escapeControls writes the control characters white space splitting
// leaves (DEL, C1 controls such as U+009B, the 8-bit CSI) as Go escapes: the
// fatal line may hold a URL or a path from a hostile metalink or repository,
// and a build log shows terminal escapes as colours and cursor moves.
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			quoted := strconv.QuoteRune(r)
			b.WriteString(quoted[1 : len(quoted)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
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
