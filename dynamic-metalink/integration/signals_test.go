package integration_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/hostileserver"
)

// An aborted build: Concourse sends SIGTERM (and the container goes away,
// which is a SIGKILL) while a command is in the middle of its work.
var _ = Describe("a command stopped in the middle of its work", func() {
	var (
		dir     string
		dest    string
		site    *hostileserver.Server
		content []byte
	)

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		dest = filepath.Join(GinkgoT().TempDir(), "get")
		content = patterned(2<<20, 5)
		site = hostileserver.Start(GinkgoT(), map[string][]byte{"payload.tgz": content})
	})

	// start runs binary on request in the background.
	start := func(binary string, request any, args ...string) *gexec.Session {
		GinkgoHelper()
		stdin, err := json.Marshal(request)
		Expect(err).NotTo(HaveOccurred())
		cmd := exec.Command(binary, args...)
		cmd.Stdin = bytes.NewReader(stdin)
		session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(session.Kill)
		return session
	}

	// terminate sends SIGTERM and expects exit 1 within a few seconds with
	// one fatal line, the last, and nothing on stdout.
	terminate := func(session *gexec.Session, command string) string {
		GinkgoHelper()
		session.Signal(syscall.SIGTERM)
		Eventually(session).WithTimeout(5 * time.Second).Should(gexec.Exit(1))
		Expect(session.Out.Contents()).To(BeEmpty())
		r := result{code: 1, stderr: string(session.Err.Contents())}
		fatal := 0
		for _, line := range r.lines() {
			if strings.HasPrefix(line, command+": ") {
				fatal++
			}
		}
		Expect(fatal).To(Equal(1), r.stderr)
		Expect(r.lastLine()).To(HavePrefix(command+": "), r.stderr)
		return r.lastLine()
	}

	// gone reports whether the process pid has ended: it is no more, or it
	// is a zombie that its new parent has yet to reap.
	gone := func(pid int) bool {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
		}
		_, fields, _ := strings.Cut(string(stat), ") ")
		return strings.HasPrefix(fields, "Z")
	}

	readPid := func(path string) int {
		GinkgoHelper()
		data, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		Expect(err).NotTo(HaveOccurred())
		return pid
	}

	// blockingScript prints output at once when marker exists (the rerun),
	// and otherwise starts a background job, records both pids, creates
	// marker and sleeps.
	blockingScript := func(marker, output string) string {
		return `if [ -e '` + marker + `' ]; then ` + output + `; exit 0; fi
sleep 300 & echo $! > '` + marker + `.job'
echo $$ > '` + marker + `.script'
touch '` + marker + `'
wait`
	}

	finalNames := func() []string {
		GinkgoHelper()
		var names []string
		for _, f := range regularFiles(dest) {
			if !strings.HasPrefix(f, ".in-staging-") {
				names = append(names, f)
			}
		}
		return names
	}

	staging := func() []string {
		GinkgoHelper()
		matches, err := filepath.Glob(filepath.Join(dest, ".in-staging-*"))
		Expect(err).NotTo(HaveOccurred())
		return matches
	}

	payloadAt := func(behaviour string) string {
		return catScript(dir, metalink.Metalink{Files: []metalink.File{{
			Name: "payload.tgz", Size: uint64(len(content)), Hashes: hashes(content),
			URLs: []metalink.URL{{URL: site.FileURL(behaviour, "payload.tgz")}},
		}}})
	}

	It("check on SIGTERM kills the script's whole process group, fails with one line, and a rerun succeeds", func() {
		marker := filepath.Join(dir, "started")
		request := map[string]any{"source": map[string]any{
			"version_check": blockingScript(marker, "echo 1.0.0"),
			"metalink_get":  "true",
		}}
		session := start(bin.Check, request)
		Eventually(marker).WithTimeout(10 * time.Second).Should(BeAnExistingFile())

		Expect(terminate(session, "check")).To(Equal("check: version_check: script was cancelled (terminated signal received) and printed nothing on stdout"))
		Eventually(gone).WithArguments(readPid(marker + ".script")).Should(BeTrue())
		Eventually(gone).WithArguments(readPid(marker+".job")).Should(BeTrue(), "the background job went with the group")

		rerun := execute(bin.Check, request)
		Expect(rerun.code).To(Equal(0), rerun.output())
		Expect(rerun.stdout).To(MatchJSON(`[{"version":"1.0.0"}]`))
	})

	It("in on SIGTERM while metalink_get runs kills its process group, writes nothing, and a rerun succeeds", func() {
		marker := filepath.Join(dir, "started")
		request := map[string]any{
			"source":  map[string]any{"version_check": "true", "metalink_get": blockingScript(marker, payloadAt("ok"))},
			"version": map[string]any{"version": "1.0.0"},
		}
		session := start(bin.In, request, dest)
		Eventually(marker).WithTimeout(10 * time.Second).Should(BeAnExistingFile())

		Expect(terminate(session, "in")).To(Equal("in: metalink_get: script was cancelled (terminated signal received) and printed nothing on stdout"))
		Eventually(gone).WithArguments(readPid(marker + ".script")).Should(BeTrue())
		Eventually(gone).WithArguments(readPid(marker+".job")).Should(BeTrue(), "the background job went with the group")
		Expect(dest).NotTo(BeAnExistingFile(), "in removes the destination it created")

		rerun := execute(bin.In, request, dest)
		Expect(rerun.code).To(Equal(0), rerun.output())
		Expect(os.ReadFile(filepath.Join(dest, "payload.tgz"))).To(Equal(content))
	})

	It("in on SIGTERM in the middle of a download leaves nothing under a final name, and a rerun succeeds", func() {
		request := map[string]any{
			"source":  map[string]any{"version_check": "true", "metalink_get": payloadAt("slowonce")},
			"version": map[string]any{"version": "1.0.0"},
		}
		session := start(bin.In, request, dest)
		Eventually(site.Sent).WithArguments("slowonce").WithTimeout(10 * time.Second).Should(BeNumerically(">", 0))

		Expect(terminate(session, "in")).To(Equal("in: download payload.tgz: terminated signal received"))
		Expect(finalNames()).To(BeEmpty())
		Expect(staging()).To(BeEmpty(), "a terminated in removes its staging directory")

		rerun := execute(bin.In, request, dest)
		Expect(rerun.code).To(Equal(0), rerun.output())
		Expect(os.ReadFile(filepath.Join(dest, "payload.tgz"))).To(Equal(content))
	})

	It("in on SIGKILL in the middle of a download leaves only its staging directory, which a rerun removes with a note", func() {
		request := map[string]any{
			"source":  map[string]any{"version_check": "true", "metalink_get": payloadAt("slowonce")},
			"version": map[string]any{"version": "1.0.0"},
		}
		session := start(bin.In, request, dest)
		Eventually(site.Sent).WithArguments("slowonce").WithTimeout(10 * time.Second).Should(BeNumerically(">", 64<<10))
		Eventually(func() []string { return regularFiles(dest) }).Should(HaveLen(1), "the partial download is on disk")

		session.Kill()
		Eventually(session).WithTimeout(5 * time.Second).Should(gexec.Exit())
		Expect(finalNames()).To(BeEmpty())
		left := staging()
		Expect(left).To(HaveLen(1))

		rerun := execute(bin.In, request, dest)
		Expect(rerun.code).To(Equal(0), rerun.output())
		Expect(rerun.stderr).To(ContainSubstring("removed " + filepath.Base(left[0]) + ", left by an earlier run that did not finish\n"))
		Expect(staging()).To(BeEmpty())
		Expect(os.ReadFile(filepath.Join(dest, "payload.tgz"))).To(Equal(content))
		Expect(finalNames()).To(ConsistOf("payload.tgz", ".resource/metalink.meta4", ".resource/version"))
	})
})
