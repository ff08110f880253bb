package integration_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

// result is what one run of a binary left behind.
type result struct {
	code   int
	stdout []byte
	stderr string
}

// lines are the non-empty lines the binary wrote on stderr.
func (r result) lines() []string {
	return strings.FieldsFunc(r.stderr, func(c rune) bool { return c == '\n' })
}

// run starts binary with request on stdin, its own TMPDIR (where a backend
// may keep caches) and args, and waits for it to exit.
func run(binary string, request any, args ...string) result {
	return runWithEnv(nil, binary, request, args...)
}

// runWithEnv is run with env (NAME=VALUE) added to the environment.
func runWithEnv(env []string, binary string, request any, args ...string) result {
	stdin, err := json.Marshal(request)
	Expect(err).NotTo(HaveOccurred())
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(string(stdin))
	cmd.Env = append(append(os.Environ(), "TMPDIR="+GinkgoT().TempDir()), env...)
	session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(session.Kill)
	Eventually(session).WithTimeout(2 * time.Minute).Should(gexec.Exit())
	return result{code: session.ExitCode(), stdout: session.Out.Contents(), stderr: string(session.Err.Contents())}
}

// printedVersions decodes check's answer.
func printedVersions(r result) []string {
	var answer []map[string]string
	Expect(json.Unmarshal(r.stdout, &answer)).To(Succeed(), "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	versions := make([]string, 0, len(answer))
	for _, v := range answer {
		Expect(v).To(HaveLen(1))
		versions = append(versions, v["version"])
	}
	return versions
}
