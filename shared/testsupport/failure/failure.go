// Package failure holds what every refused hostile request must look like
// to the user of a resource, whatever the resource and the case.
package failure

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
)

// Run is what one run of a resource's command left behind.
type Run struct {
	Code   int
	Stdout string
	Stderr string
}

func (r Run) String() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
}

// Expect checks a failure: exit 1, nothing on stdout, exactly one line
// "<command>: …", the last one, matching want (see Line), none of secrets
// and no Go panic. With HOSTILE_RECORD set, a last line other than want is
// appended to that file as JSON, to review and update the cases from.
func Expect(r Run, command, want string, secrets []string) {
	ginkgo.GinkgoHelper()
	gomega.Expect(r.Code).To(gomega.Equal(1), r.String())
	gomega.Expect(r.Stdout).To(gomega.BeEmpty())
	gomega.Expect(r.Stderr).To(gomega.HaveSuffix("\n"), r.String())
	// Only the one final newline is cut: a blank last line is no message.
	lines := strings.Split(strings.TrimSuffix(r.Stderr, "\n"), "\n")
	last := lines[len(lines)-1]
	if last != want {
		record(last)
	}
	gomega.Expect(last).To(Line(want), r.String())
	fatal := 0
	for _, line := range lines {
		if strings.HasPrefix(line, command+": ") {
			fatal++
		}
	}
	gomega.Expect(fatal).To(gomega.Equal(1), r.String())
	for _, secret := range secrets {
		gomega.Expect(r.Stderr).NotTo(gomega.ContainSubstring(secret))
	}
	gomega.Expect(r.Stderr).NotTo(gomega.ContainSubstring("panic"))
	gomega.Expect(r.Stderr).NotTo(gomega.ContainSubstring("goroutine "))
}

// record appends the spec's name and the line it got to $HOSTILE_RECORD.
func record(got string) {
	path := os.Getenv("HOSTILE_RECORD")
	if path == "" {
		return
	}
	line, _ := json.Marshal(map[string]string{"test": ginkgo.CurrentSpecReport().LeafNodeText, "got": got})
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	_, err = fmt.Fprintln(f, string(line))
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	gomega.Expect(f.Close()).To(gomega.Succeed())
}

// Line matches a line equal to want, where each {port} in want stands for a
// port number the system picked and each {token} for the random part of a
// temporary upload's key.
func Line(want string) types.GomegaMatcher {
	if !strings.Contains(want, "{port}") && !strings.Contains(want, "{token}") {
		return gomega.Equal(want)
	}
	pattern := regexp.QuoteMeta(want)
	pattern = strings.ReplaceAll(pattern, regexp.QuoteMeta("{port}"), `[0-9]{1,5}`)
	pattern = strings.ReplaceAll(pattern, regexp.QuoteMeta("{token}"), `[A-Z2-7]{26}`)
	return gomega.MatchRegexp("^" + pattern + "$")
}
