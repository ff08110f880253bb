package integration_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/hostileserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// An aborted build: Concourse sends SIGTERM (and the container goes away,
// which is a SIGKILL) while a command is in the middle of its work. Each
// binary is stopped once the slow server has sent some of its answer.
var _ = Describe("a command stopped in the middle of its work", func() {
	var (
		site    *hostileserver.Server
		payload []byte // 6 MiB
		upload  []byte // 4 MiB: one PutObject, below the multipart threshold
		repo    string // a file:// repository
		dest    string
	)

	BeforeEach(func() {
		payload = outRandom(6<<20, 11)
		upload = outRandom(7<<20, 12) // two parts
		doc := release("1.0.0", described("payload.tgz", string(payload)))
		// 4 MiB of padding, so that the slow server takes a while to send the index.
		index := strings.Replace(repositoryIndex([]document{{path: "v1.0.0.meta4", metalink: doc}}), "\n", "\n<!--"+strings.Repeat(" ", 4<<20)+"-->\n", 1)
		site = hostileserver.Start(GinkgoT(), map[string][]byte{"payload.tgz": payload, "upload.tgz": upload, "index.xml": []byte(index)})
		repo = GinkgoT().TempDir()
		doc.Files[0].URLs = []metalink.URL{{URL: site.FileURL("slowonce", "payload.tgz")}}
		Expect(os.WriteFile(filepath.Join(repo, "v1.0.0.meta4"), []byte(marshal(doc)), 0o644)).To(Succeed())
		dest = filepath.Join(GinkgoT().TempDir(), "get")
	})

	start := func(binary string, request any, args ...string) *gexec.Session {
		GinkgoHelper()
		stdin, err := json.Marshal(request)
		Expect(err).NotTo(HaveOccurred())
		cmd := exec.Command(binary, args...)
		cmd.Stdin = strings.NewReader(string(stdin))
		cmd.Env = append(os.Environ(), "TMPDIR="+GinkgoT().TempDir())
		session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(session.Kill)
		return session
	}

	// sentAtLeast waits until the slow server has sent n bytes.
	sentAtLeast := func(n int64) {
		GinkgoHelper()
		Eventually(site.Sent).WithArguments("slowonce").WithTimeout(20 * time.Second).Should(BeNumerically(">=", n))
	}

	// terminate sends SIGTERM and expects exit 1 within a few seconds with
	// one fatal line, the last, and nothing on stdout; it returns that line.
	terminate := func(session *gexec.Session, command string) string {
		GinkgoHelper()
		session.Signal(syscall.SIGTERM)
		Eventually(session).WithTimeout(5 * time.Second).Should(gexec.Exit(1))
		Expect(session.Out.Contents()).To(BeEmpty())
		lines := result{stderr: string(session.Err.Contents())}.lines()
		var fatal []string
		for _, line := range lines {
			if strings.HasPrefix(line, command+": ") {
				fatal = append(fatal, line)
			}
		}
		Expect(fatal).To(HaveLen(1), string(session.Err.Contents()))
		Expect(lines[len(lines)-1]).To(Equal(fatal[0]))
		return fatal[0]
	}

	kill := func(session *gexec.Session) {
		GinkgoHelper()
		session.Kill()
		Eventually(session).WithTimeout(5 * time.Second).Should(gexec.Exit())
	}

	// finalNames are the files in dest outside a staging directory.
	finalNames := func() []string {
		GinkgoHelper()
		var names []string
		for name := range filetree.Snapshot(dest) {
			if !strings.HasPrefix(name, ".in-staging-") {
				names = append(names, name)
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

	inRequest := map[string]any{"version": map[string]any{"version": "1.0.0"}}

	It("check on SIGTERM while an HTTP index arrives fails with one line, and a rerun succeeds", func() {
		request := map[string]any{"source": map[string]any{"uri": site.FileURL("slowonce", "index.xml")}}
		session := start(bin.Check, request)
		sentAtLeast(1)

		Expect(terminate(session, "check")).To(Equal("check: list " + site.FileURL("slowonce", "index.xml") + ": terminated signal received"))

		rerun := run(bin.Check, request)
		Expect(rerun.code).To(Equal(0), rerun.stderr)
		Expect(printedVersions(rerun)).To(Equal([]string{"1.0.0"}))
	})

	It("in on SIGTERM in the middle of a download leaves nothing under a final name, and a rerun succeeds", func() {
		request := map[string]any{"source": map[string]any{"uri": "file://" + repo}, "version": inRequest["version"]}
		session := start(bin.In, request, dest)
		sentAtLeast(1)

		Expect(terminate(session, "in")).To(Equal("in: download payload.tgz: terminated signal received"))
		Expect(dest).NotTo(BeAnExistingFile(), "in removes the destination it created")

		rerun := run(bin.In, request, dest)
		Expect(rerun.code).To(Equal(0), rerun.stderr)
		Expect(os.ReadFile(filepath.Join(dest, "payload.tgz"))).To(Equal(payload))
	})

	It("in on SIGKILL in the middle of a download leaves only its staging directory, which a rerun removes with a note", func() {
		request := map[string]any{"source": map[string]any{"uri": "file://" + repo}, "version": inRequest["version"]}
		session := start(bin.In, request, dest)
		sentAtLeast(128 << 10)
		Eventually(func() int { return len(filetree.Snapshot(dest)) }).Should(BeNumerically(">=", 2), "the staging directory and the partial file are on disk")

		kill(session)
		Expect(finalNames()).To(BeEmpty())
		left := staging()
		Expect(left).To(HaveLen(1))

		rerun := run(bin.In, request, dest)
		Expect(rerun.code).To(Equal(0), rerun.stderr)
		Expect(rerun.stderr).To(ContainSubstring("removed " + filepath.Base(left[0]) + ", left by an earlier run that did not finish\n"))
		Expect(staging()).To(BeEmpty())
		Expect(finalNames()).To(ConsistOf("payload.tgz", ".resource/", ".resource/metalink.meta4", ".resource/version"))
		Expect(os.ReadFile(filepath.Join(dest, "payload.tgz"))).To(Equal(payload))
	})

	Describe("out, mirroring a 7 MiB file to S3 in parts while it downloads it, then publishing to git", func() {
		var (
			git     outRepo
			bucket  outBucket
			build   outBuild
			request map[string]any
		)

		BeforeEach(func() {
			git, bucket, build = newOutRepo(), newOutBucket(), newOutBuild()
			doc := release("1.0.0", described("upload.tgz", string(upload), metalink.URL{URL: site.FileURL("slowonce", "upload.tgz")}))
			build.write("release.meta4", []byte(marshal(doc)))
			request = map[string]any{
				"source": map[string]any{
					"uri":          git.httpURI(),
					"url_handlers": []any{world.s3Handler(s3server.SecretKey)},
					"mirror_files": []any{map[string]any{"destination": bucket.url("mirror/{{.Name}}")}},
				},
				"params": map[string]any{"metalink": "release.meta4"},
			}
		})

		expectRerunPublishes := func(head string) {
			GinkgoHelper()
			rerun := run(bin.Out, request, string(build))
			Expect(rerun.code).To(Equal(0), rerun.stderr)
			Expect(git.Head(GinkgoT())).NotTo(Equal(head))
			Expect(git.metalinkAt("1.0.0").Files[0].URLs).To(ContainElement(metalink.URL{URL: bucket.url("mirror/upload.tgz")}))
			copied, _, ok := bucket.object("mirror/upload.tgz")
			Expect(ok).To(BeTrue())
			Expect(copied).To(Equal(upload))
		}

		It("on SIGTERM aborts the upload, publishes nothing, and a rerun succeeds", func() {
			head := git.Head(GinkgoT())
			session := start(bin.Out, request, string(build))
			sentAtLeast(5<<20 + 512<<10) // its first part is on its way to S3

			Expect(terminate(session, "out")).To(Equal("out: mirror upload.tgz: terminated signal received"))
			Expect(git.Head(GinkgoT())).To(Equal(head), "nothing published")
			Expect(bucket.isEmpty()).To(BeTrue(), "no object and no unfinished upload: %v", bucket.keys())

			expectRerunPublishes(head)
		})

		It("on SIGKILL publishes nothing and leaves nothing under the final key, and a rerun succeeds", func() {
			head := git.Head(GinkgoT())
			session := start(bin.Out, request, string(build))
			sentAtLeast(2 << 20)

			kill(session)
			Expect(git.Head(GinkgoT())).To(Equal(head), "nothing published")
			Expect(bucket.isEmpty()).To(BeTrue(), "no object, under the final key or any other, and no unfinished upload: %v", bucket.keys())

			expectRerunPublishes(head)
		})
	})
})
