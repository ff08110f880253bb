package integration_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("out processes racing to publish to the same git remote", func() {
	It("lands every version, loses none and overwrites none, and a repeated put succeeds without a commit", func() {
		repo := newOutRepo()
		before := repo.CommitCount(GinkgoT())
		versions := []string{"1.0.0", "1.1.0", "1.2.0", "1.3.0", "2.0.0", "2.1.0", "3.0.0", "3.1.0"}
		builds := map[string]outBuild{}
		for _, version := range versions {
			build := newOutBuild()
			build.write("release.meta4", []byte(marshal(release(version, described("app-"+version+".tgz", "app "+version)))))
			builds[version] = build
		}
		// Of 9 writers racing, one can lose 8 times in a row: every loss is
		// someone else's win. rebase: 8 is thus what guarantees that all land.
		source := map[string]any{"uri": repo.httpURI(), "options": map[string]any{"rebase": 8}}
		request := map[string]any{"source": source, "params": map[string]any{"metalink": "release.meta4"}}

		// The eight versions and a repeat of one of them, all at once.
		racers := append(append([]string{}, versions...), versions[3])
		results := make([]result, len(racers))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, version := range racers {
			wg.Go(func() {
				defer GinkgoRecover()
				<-start
				results[i] = runConcurrently(bin.Out, request, string(builds[version]))
			})
		}
		close(start)
		wg.Wait()

		for i, r := range results {
			Expect(r.code).To(Equal(0), "put of %s failed: %s", racers[i], r.stderr)
		}
		Expect(repo.CommitCount(GinkgoT())).To(Equal(before+len(versions)), "one commit per version, none for the repeat")
		for _, version := range versions {
			Expect(repo.metalinkAt(version).Files).To(HaveExactElements(
				HaveField("Name", "app-"+version+".tgz")), "metalinks/v%s.meta4", version)
		}
		Expect(repo.Files(GinkgoT())).To(HaveLen(len(versions) + 1)) // and the README
	})
})

// runConcurrently is run for a goroutine: no Gomega matchers that need the
// spec's own goroutine.
func runConcurrently(binary string, request any, args ...string) result {
	stdin, err := json.Marshal(request)
	Expect(err).NotTo(HaveOccurred())
	cmd := exec.Command(binary, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(os.Environ(), "TMPDIR="+GinkgoT().TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else {
		Expect(err).NotTo(HaveOccurred())
	}
	return result{code: code, stdout: stdout.Bytes(), stderr: strings.TrimSpace(stderr.String())}
}
