package protocol

import (
	"fmt"
	"io"
	"strings"
)

// Fail prints err as one line "<command>: <error>" on stderr, with secrets
// redacted, and returns the exit code 1.
func Fail(stderr io.Writer, command string, err error, secrets ...string) int {
	line := strings.Join(strings.Fields(err.Error()), " ")
	fmt.Fprintf(stderr, "%s: %s\n", command, Redact(line, secrets...))
	return 1
}
