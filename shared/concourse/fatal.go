package concourse

import (
	"fmt"
	"io"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// Fail prints err as one line "<command>: <error>" on stderr, with secrets
// redacted, and returns the exit code 1.
func Fail(stderr io.Writer, command string, err error, secrets ...string) int {
	line := strings.Join(strings.Fields(err.Error()), " ")
	fmt.Fprintf(stderr, "%s: %s\n", command, redact.String(line, secrets...))
	return 1
}
