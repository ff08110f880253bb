package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// Console is a tool's stderr: everything written to it is redacted line by
// line (secrets and URL userinfo), and the shared packages' words for
// things are replaced by the tool's (a resource key by the flag that sets
// it), so that an error points at what the user can change.
type Console struct {
	mu      sync.Mutex
	out     io.Writer
	words   *strings.Replacer
	secrets []string
	log     *redact.Writer
}

// NewConsole writes to stderr, replacing old words by new ones in pairs as
// strings.NewReplacer takes them.
func NewConsole(stderr io.Writer, wordPairs ...string) *Console {
	c := &Console{out: stderr, words: strings.NewReplacer(wordPairs...)}
	c.log = redact.NewWriter(rewriter{c})
	return c
}

// Console is a console on the streams' stderr that hides the values of
// the environment's secretVariables, and says the shared packages' words in
// the tool's (see NewConsole).
func (s Streams) Console(secretVariables []string, wordPairs ...string) *Console {
	c := NewConsole(s.Stderr, wordPairs...)
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
	c.log = redact.NewWriter(rewriter{c}, c.secrets...)
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
	line := redact.String(oneLine(c.words.Replace(err.Error())), c.secrets...)
	// stderr is all a failing tool has left; nowhere to report to.
	_, _ = fmt.Fprintf(c.out, "%s: %s\n", command, line)
}

// Plain writes text that holds no secret (usage), as it is.
func (c *Console) Plain(text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = io.WriteString(c.out, text)
}

// rewriter replaces words in the redacted lines on their way out.
type rewriter struct{ c *Console }

func (r rewriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.c.out, r.c.words.Replace(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
