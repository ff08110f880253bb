package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// Console is a tool's stderr: everything written to it is redacted line by
// line (secrets and URL userinfo).
type Console struct {
	mu      sync.Mutex
	out     io.Writer
	secrets []string
	log     *redact.Writer
}

// NewConsole writes to stderr.
func NewConsole(stderr io.Writer) *Console {
	return &Console{out: stderr, log: redact.NewWriter(stderr)}
}

// Console is a console on the streams' stderr that hides the values of
// the environment's secretVariables.
func (s Streams) Console(secretVariables []string) *Console {
	c := NewConsole(s.Stderr)
	for _, name := range secretVariables {
		c.Hide(s.Getenv(name))
	}
	return c
}

// Hide adds secrets to hide from everything written from now on.
func (c *Console) Hide(secrets ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range secrets {
		if strings.TrimSpace(s) != "" {
			c.secrets = append(c.secrets, s)
		}
	}
	// Whole lines only reach out: flushing first keeps a partial line whole.
	_ = c.log.Flush()
	c.log = redact.NewWriter(c.out, c.secrets...)
}

// Write logs p, redacted.
func (c *Console) Write(p []byte) (int, error) {
	c.mu.Lock()
	log := c.log
	c.mu.Unlock()
	return log.Write(p)
}

// Printf logs one formatted message; a failed write shows up in Flush.
func (c *Console) Printf(format string, args ...any) {
	_, _ = fmt.Fprintf(c, format, args...)
}

// Flush writes out a partial last line.
func (c *Console) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.log.Flush()
}

// Fail prints the error line of command.
func (c *Console) Fail(command string, err error) {
	_ = c.Flush() // the error line is what matters now
	c.mu.Lock()
	defer c.mu.Unlock()
	line := redact.String(oneLine(err.Error()), c.secrets...)
	// stderr is all a failing tool has left; nowhere to report to.
	_, _ = fmt.Fprintf(c.out, "%s: %s\n", command, line)
}

// Plain writes text that holds no secret (usage), as it is.
func (c *Console) Plain(text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = io.WriteString(c.out, text)
}
