package script_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/dynamic-metalink/script"
)

// startsSleeper is a shell fragment that starts a background grandchild,
// records its pid in $PIDFILE and leaves it running.
const startsSleeper = `sh -c 'echo $$ > "$PIDFILE"; exec sleep 100' &
while [ ! -s "$PIDFILE" ]; do sleep 0.01; done
`

var _ = Describe("Runner", func() {
	var (
		tempDir string
		stderr  *gbytes.Buffer
		runner  script.Runner
	)

	BeforeEach(func() {
		tempDir = GinkgoT().TempDir()
		stderr = gbytes.NewBuffer()
		runner = script.Runner{Timeout: time.Minute, Stderr: stderr, TempDir: tempDir}
	})

	run := func(text string, env map[string]string) (string, error) {
		out, err := runner.Run(context.Background(), text, env)
		return string(out), err
	}

	It("returns what the script prints on stdout", func() {
		Expect(run("echo 1.0.0; echo 1.1.0", nil)).To(Equal("1.0.0\n1.1.0\n"))
	})

	It("gives the script the extra variables on top of this process's environment", func() {
		out, err := run(`echo "$version|$PATH|$HOME"`, map[string]string{"version": "1.2.3", "HOME": "/elsewhere"})
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(Equal("1.2.3|" + os.Getenv("PATH") + "|/elsewhere\n"))
	})

	Describe("with ca_certs", func() {
		const pem = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n"
		variables := `for v in SSL_CERT_FILE CURL_CA_BUNDLE GIT_SSL_CAINFO REQUESTS_CA_BUNDLE; do echo "${!v-unset}"; done`

		It("points curl, git, OpenSSL and requests at the system's CAs followed by them", func() {
			runner.CABundle = []byte(pem)
			out, err := run(variables+`; cat "$SSL_CERT_FILE"`, nil)
			Expect(err).NotTo(HaveOccurred())
			lines := strings.SplitN(out, "\n", 5)
			Expect(lines[0]).To(HavePrefix(tempDir + "/"))
			Expect(lines[1:4]).To(HaveEach(lines[0]))
			system := os.Getenv("SSL_CERT_FILE")
			if system == "" {
				system = "/etc/ssl/certs/ca-certificates.crt"
			}
			systemPEM, err := os.ReadFile(system)
			Expect(err).NotTo(HaveOccurred(), "this machine's CA bundle")
			Expect(lines[4]).To(Equal(string(systemPEM) + "\n" + pem))
		})

		It("leaves the environment's bundles alone without them", func() {
			out, err := run(variables, nil)
			Expect(err).NotTo(HaveOccurred())
			var want string
			for _, name := range []string{"SSL_CERT_FILE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "REQUESTS_CA_BUNDLE"} {
				value, ok := os.LookupEnv(name)
				if !ok {
					value = "unset"
				}
				want += value + "\n"
			}
			Expect(out).To(Equal(want))
		})
	})

	It("gives the script an empty stdin", func() {
		Expect(run("cat; echo end", nil)).To(Equal("end\n"))
	})

	Describe("a script without its own #! line", func() {
		It("runs with bash", func() {
			Expect(run(`[[ -n "$BASH_VERSION" ]] && echo bash`, nil)).To(Equal("bash\n"))
		})

		It("fails when any stage of a pipeline fails", func() {
			_, err := run("false | echo 1", nil)
			Expect(err).To(MatchError(`script exited with status 1; stdout began: "1\n"`))
		})

		It("fails on an unset variable", func() {
			_, err := run(`echo "$NOT_SET_ANYWHERE_42"; echo unreachable`, nil)
			Expect(err).To(MatchError("script exited with status 1 and printed nothing on stdout"))
			Expect(stderr).To(gbytes.Say("NOT_SET_ANYWHERE_42: unbound variable"))
		})

		It("stops at the first failing command", func() {
			_, err := run("echo before; false; echo after", nil)
			Expect(err).To(MatchError(`script exited with status 1; stdout began: "before\n"`))
		})
	})

	Describe("a script with its own #! line", func() {
		It("runs with the interpreter it names, without bash's strict flags", func() {
			Expect(run("#!/bin/sh\nfalse | echo ok\n", nil)).To(Equal("ok\n"))
		})

		It("is executed by the kernel, which passes the script file to the interpreter", func() {
			text := "#!/bin/cat\nthis is printed, not run\n"
			Expect(run(text, nil)).To(Equal(text))
		})

		It("fails to start when the interpreter does not exist, naming it and not the private script file", func() {
			_, err := run("#!/nonexistent/interpreter -x\necho hi\n", nil)
			Expect(err).To(MatchError(`start script: cannot run the interpreter its #! line names, "/nonexistent/interpreter": no such file or directory`))
		})

		It("fails to start when the #! line names no interpreter", func() {
			_, err := run("#!\necho hi\n", nil)
			Expect(err).To(MatchError(`start script: cannot run the interpreter its #! line names, "": exec format error`))
		})
	})

	Describe("the working directory", func() {
		It("is fresh, empty, under TempDir and removed afterwards", func() {
			first, err := run("pwd; ls -A; touch left-behind", nil)
			Expect(err).NotTo(HaveOccurred())
			second, err := run("pwd; ls -A", nil)
			Expect(err).NotTo(HaveOccurred())

			firstDir, secondDir := strings.TrimSpace(first), strings.TrimSpace(second)
			Expect(firstDir).To(HavePrefix(tempDir + string(filepath.Separator)))
			Expect(secondDir).NotTo(Equal(firstDir))
			Expect(firstDir).NotTo(BeADirectory())
			Expect(secondDir).NotTo(BeADirectory())
			Expect(os.ReadDir(tempDir)).To(BeEmpty())
		})

		It("fails the run when it cannot be removed, rather than leave the script behind", func() {
			if os.Geteuid() == 0 {
				Skip("root can remove any directory")
			}
			DeferCleanup(func() { // let the test's TempDir go
				Expect(filepath.WalkDir(tempDir, func(path string, entry fs.DirEntry, err error) error {
					if err == nil && entry.IsDir() {
						err = os.Chmod(path, 0o700)
					}
					return err
				})).To(Succeed())
			})
			out, err := run("mkdir locked && touch locked/file && chmod 500 locked && echo 1.0.0", nil)
			Expect(err).To(MatchError(ContainSubstring("remove script directory: ")))
			Expect(out).To(BeEmpty())
		})
	})

	It("streams the script's stderr while it runs", func() {
		goFile := filepath.Join(GinkgoT().TempDir(), "go")
		done := make(chan error, 1)
		go func() {
			_, err := run(`echo waiting >&2; while [ ! -e "$GO_FILE" ]; do sleep 0.02; done; echo finished >&2`,
				map[string]string{"GO_FILE": goFile})
			done <- err
		}()

		Eventually(stderr).Should(gbytes.Say("waiting\n"))
		Consistently(done, 200*time.Millisecond).ShouldNot(Receive())
		Expect(os.WriteFile(goFile, nil, 0o600)).To(Succeed())
		Eventually(done).Should(Receive(BeNil()))
		Expect(stderr).To(gbytes.Say("finished\n"))
	})

	Describe("a failing script", func() {
		It("reports its exit status and quotes the start of its stdout", func() {
			_, err := run("echo 'partial \"output\"'; exit 3", nil)
			Expect(err).To(MatchError(`script exited with status 3; stdout began: "partial \"output\"\n"`))
		})

		It("quotes no more than the first 200 bytes", func() {
			_, err := run("printf 'a%.0s' {1..1000}; exit 2", nil)
			Expect(err).To(MatchError(`script exited with status 2; stdout began: "` + strings.Repeat("a", 200) + `"…`))
		})

		It("does not cut a character in half", func() {
			_, err := run("printf 'a'; printf 'é%.0s' {1..150}; exit 2", nil)
			Expect(err).To(MatchError(`script exited with status 2; stdout began: "a` + strings.Repeat("é", 99) + `"…`))
		})

		It("reports a signal that killed it", func() {
			_, err := run("echo dying; kill -TERM $$", nil)
			Expect(err).To(MatchError(`script was killed by signal 15 (terminated); stdout began: "dying\n"`))
		})
	})

	Describe("timeouts and cancellation", func() {
		var pidFile string

		BeforeEach(func() {
			pidFile = filepath.Join(GinkgoT().TempDir(), "pid")
			DeferCleanup(killSurvivors, pidFile)
		})

		It("kills the whole process group promptly when the script times out", func() {
			// The script must start its sleeper and print before the timeout
			// fires: 1 s was too short for bash to start on a loaded machine
			// (CI saw "printed nothing"). Promptly means long before the
			// pipe's sleep 100 ends.
			runner.Timeout = 5 * time.Second
			started := time.Now()
			_, err := run(startsSleeper+"echo running; sleep 100 | cat", map[string]string{"PIDFILE": pidFile})
			elapsed := time.Since(started)

			Expect(err).To(MatchError(`script timed out after 5s; stdout began: "running\n"`))
			Expect(elapsed).To(BeNumerically("<", 60*time.Second), "the pipe's sleep 100 was not waited for")
			Eventually(processGone).WithArguments(readPid(pidFile)).Should(BeTrue())
		})

		It("kills background jobs the script leaves behind when it ends", func() {
			// Waiting for the sleeper (100 s) would end in the timeout: no
			// error means the run ended with the script, however busy the machine.
			runner.Timeout = time.Minute
			out, err := run(startsSleeper+"echo done", map[string]string{"PIDFILE": pidFile})

			Expect(err).NotTo(HaveOccurred())
			Expect(out).To(Equal("done\n"))
			Eventually(processGone).WithArguments(readPid(pidFile)).Should(BeTrue())
		})

		It("stops the script when the caller cancels", func() {
			runner.Timeout = 0
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := runner.Run(ctx, startsSleeper+"echo started >&2; sleep 100", map[string]string{"PIDFILE": pidFile})
				done <- err
			}()
			Eventually(stderr).Should(gbytes.Say("started"))
			cancel()

			Eventually(done).Should(Receive(MatchError("script was cancelled (context canceled) and printed nothing on stdout")))
			Eventually(processGone).WithArguments(readPid(pidFile)).Should(BeTrue())
		})
	})
})

var _ = Describe("Lines", func() {
	DescribeTable("splits check output into trimmed, non-empty lines",
		func(output string, want []string) {
			Expect(script.Lines([]byte(output))).To(Equal(want))
		},
		Entry("nothing", "", nil),
		Entry("only blank lines", "\n \n\t\n", nil),
		Entry("one line without a newline", "1.0.0", []string{"1.0.0"}),
		Entry("several lines", "1.0.0\n1.1.0\n", []string{"1.0.0", "1.1.0"}),
		Entry("CRLF line ends", "1.0.0\r\n1.1.0\r\n", []string{"1.0.0", "1.1.0"}),
		Entry("surrounding spaces and blank lines", "\n  1.0.0 \n\n\t1.1.0\t\n\n", []string{"1.0.0", "1.1.0"}),
		Entry("inner spaces kept", "not a version\n", []string{"not a version"}),
	)
})

func readPid(pidFile string) int {
	GinkgoHelper()
	content, err := os.ReadFile(pidFile)
	Expect(err).NotTo(HaveOccurred())
	pid, err := strconv.Atoi(strings.TrimSpace(string(content)))
	Expect(err).NotTo(HaveOccurred())
	return pid
}

// killSurvivors kills the process group of the grandchild a test started if
// the runner failed to, so that a failing test leaves no process behind.
func killSurvivors(pidFile string) {
	content, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(content)))
	if err != nil || processGone(pid) {
		return
	}
	if pgid, err := syscall.Getpgid(pid); err == nil {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
}

// processGone reports whether pid has ended. A zombie counts as ended: it is
// dead, only waiting for a parent that may never reap it in a container.
func processGone(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return true
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] == "Z"
}
