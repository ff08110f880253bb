package gitrepo_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

var _ = Describe("List", func() {
	var (
		root string
		repo *gitserver.Repo
		c    *client
		uri  string
	)

	BeforeEach(func() {
		root = GinkgoT().TempDir()
		repo = gitserver.NewRepo(GinkgoT(), root, "org/metalinks.git")
		c = newClient()
		uri = "git+" + repo.FileURL()
	})

	Context("over file://", func() {
		It("returns every metalink at the tip, parsed, and nothing else", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{
				"v1.0.0.meta4":     meta4("1.0.0"),
				"old/v0.9.0.meta4": meta4("0.9.0"),
				"README.md":        "# not a metalink",
				"v1.0.0.meta4.asc": "not a metalink either",
			})

			entries := c.list(uri, gitrepo.Options{})

			Expect(versionsOf(entries)).To(ConsistOf("v1.0.0.meta4=1.0.0", "old/v0.9.0.meta4=0.9.0"))
			for _, entry := range entries {
				Expect(entry.Metalink.Files[0].Name).To(Equal("app-" + entry.Metalink.Files[0].Version + ".tgz"))
				Expect(entry.Metalink.Files[0].URLs).To(HaveLen(1))
			}
		})

		It("names its state, the one a listing then reads, and a new one after a commit", func() {
			ctx := context.Background()
			r, ok := c.open(uri, gitrepo.Options{}).(repository.Stated)
			Expect(ok).To(BeTrue())
			Expect(r.State(ctx)).To(BeEmpty(), "an empty remote has no state")

			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v1.0.0.meta4": meta4("1.0.0")})
			state, err := r.State(ctx)
			Expect(err).NotTo(HaveOccurred())
			entries, listed, err := r.ListState(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(versionsOf(entries)).To(ConsistOf("v1.0.0.meta4=1.0.0"))
			Expect(listed).To(Equal(state))

			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v2.0.0.meta4": meta4("2.0.0")})
			Expect(r.State(ctx)).NotTo(Equal(state))
			Expect(c.open(uri+"//sub", gitrepo.Options{}).(repository.Stated).State(ctx)).NotTo(Or(Equal(state), BeEmpty()), "another sub-path is another state")
		})

		It("returns nothing for an empty repository", func() {
			Expect(c.list(uri, gitrepo.Options{})).To(BeEmpty())
		})

		It("lists a sub-directory with paths relative to it", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{
				"releases/stable/v2.0.0.meta4":     meta4("2.0.0"),
				"releases/stable/old/v1.0.0.meta4": meta4("1.0.0"),
				"releases/beta/v3.0.0.meta4":       meta4("3.0.0"),
				"v9.9.9.meta4":                     meta4("9.9.9"),
			})

			entries := c.list(uri+"//releases/stable", gitrepo.Options{})

			Expect(versionsOf(entries)).To(ConsistOf("v2.0.0.meta4=2.0.0", "old/v1.0.0.meta4=1.0.0"))
		})

		It("lists every directory a sub-path glob matches, not only the last one", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{
				"products/a/metalinks/v1.0.0.meta4": meta4("1.0.0"),
				"products/b/metalinks/v1.1.0.meta4": meta4("1.1.0"),
				"products/b/other/v5.0.0.meta4":     meta4("5.0.0"),
				"elsewhere/metalinks/v7.0.0.meta4":  meta4("7.0.0"),
			})

			entries := c.list(uri+"//products/*/metalinks", gitrepo.Options{})

			Expect(versionsOf(entries)).To(ConsistOf("v1.0.0.meta4=1.0.0", "v1.1.0.meta4=1.1.0"))
		})

		It("matches ** across directories", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{
				"deep/er/still/metalinks/v1.0.0.meta4": meta4("1.0.0"),
				"metalinks/v2.0.0.meta4":               meta4("2.0.0"),
				"deep/other/v3.0.0.meta4":              meta4("3.0.0"),
			})

			entries := c.list(uri+"//**/metalinks", gitrepo.Options{})

			Expect(versionsOf(entries)).To(ConsistOf("v1.0.0.meta4=1.0.0", "v2.0.0.meta4=2.0.0"))
		})

		It("returns nothing when the sub-path does not exist", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v1.0.0.meta4": meta4("1.0.0")})

			Expect(c.list(uri+"//missing", gitrepo.Options{})).To(BeEmpty())
		})

		It("reads the branch the uri names", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v1.0.0.meta4": meta4("1.0.0")})
			gitserver.Git(GinkgoT(), repo.Path, "branch", "next", gitserver.DefaultBranch)
			otherRepo := gitserver.NewRepo(GinkgoT(), root, "scratch.git")
			otherRepo.WriteFiles(GinkgoT(), "publish", map[string]string{"v2.0.0.meta4": meta4("2.0.0")})
			gitserver.Git(GinkgoT(), otherRepo.Path, "push", "--quiet", "--force", repo.Path, gitserver.DefaultBranch+":next")

			Expect(versionsOf(c.list(uri+"#next", gitrepo.Options{}))).To(ConsistOf("v2.0.0.meta4=2.0.0"))
			Expect(versionsOf(c.list(uri, gitrepo.Options{}))).To(ConsistOf("v1.0.0.meta4=1.0.0"))
		})

		It("follows the remote HEAD when the uri names no branch", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v1.0.0.meta4": meta4("1.0.0")})
			gitserver.Git(GinkgoT(), repo.Path, "branch", "-m", gitserver.DefaultBranch, "trunk")

			Expect(versionsOf(c.list(uri, gitrepo.Options{}))).To(ConsistOf("v1.0.0.meta4=1.0.0"))
		})

		It("fails when the named branch does not exist", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v1.0.0.meta4": meta4("1.0.0")})

			_, err := c.open(uri+"#nope", gitrepo.Options{}).List(context.Background())

			Expect(err).To(MatchError(ContainSubstring(`branch "nope" does not exist`)))
		})

		It("names an unparsable metalink in its error", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{
				"v1.0.0.meta4":        meta4("1.0.0"),
				"broken/v1.0.1.meta4": "this is not a metalink",
			})

			_, err := c.open(uri, gitrepo.Options{}).List(context.Background())

			Expect(err).To(MatchError(ContainSubstring("broken/v1.0.1.meta4")))
		})

		It("fails clearly for a repository that does not exist", func() {
			_, err := c.open("git+file://"+filepath.Join(root, "missing.git"), gitrepo.Options{}).List(context.Background())

			Expect(err).To(MatchError(ContainSubstring("missing.git")))
		})
	})

	Context("with a warm cache", func() {
		BeforeEach(func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{
				"v1.0.0.meta4": meta4("1.0.0"),
				"v1.1.0.meta4": meta4("1.1.0"),
			})
			Expect(versionsOf(c.list(uri, gitrepo.Options{}))).To(ConsistOf("v1.0.0.meta4=1.0.0", "v1.1.0.meta4=1.1.0"))
		})

		// tamperIndex changes version 1.1.0 to 1.1.9 in the cache: only a run
		// that trusts the cache can see it. The replacement keeps the
		// length, so the gob stays well-formed.
		tamperIndex := func() {
			indexes, err := filepath.Glob(filepath.Join(c.env.TempDir, "metalink-repository-git", "*", "metalinks-v3.gob"))
			Expect(err).NotTo(HaveOccurred())
			Expect(indexes).To(HaveLen(1))
			index, err := os.ReadFile(indexes[0])
			Expect(err).NotTo(HaveOccurred())
			Expect(bytes.Count(index, []byte("1.1.0"))).To(BeNumerically(">", 0))
			Expect(os.WriteFile(indexes[0], bytes.ReplaceAll(index, []byte("1.1.0"), []byte("1.1.9")), 0o600)).To(Succeed())
		}

		It("answers from the cache alone while the branch has not moved", func() {
			tamperIndex()

			Expect(versionsOf(c.list(uri, gitrepo.Options{}))).To(ConsistOf("v1.0.0.meta4=1.0.0", "v1.1.9.meta4=1.1.9"))
		})

		It("takes the parsed metalinks of unchanged blobs from the cache when the branch moved", func() {
			tamperIndex()
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v2.0.0.meta4": meta4("2.0.0")})

			Expect(versionsOf(c.list(uri, gitrepo.Options{}))).To(ConsistOf("v1.0.0.meta4=1.0.0", "v1.1.0.meta4=1.1.9", "v2.0.0.meta4=2.0.0"))
		})

		It("reads the tree again for another sub-path of the same branch", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"sub/v3.0.0.meta4": meta4("3.0.0")})
			c.list(uri, gitrepo.Options{})

			Expect(versionsOf(c.list(uri+"//sub", gitrepo.Options{}))).To(ConsistOf("v3.0.0.meta4=3.0.0"))
			Expect(versionsOf(c.list(uri, gitrepo.Options{}))).To(ConsistOf("v1.0.0.meta4=1.0.0", "v1.1.0.meta4=1.1.0", "sub/v3.0.0.meta4=3.0.0"))
		})

		It("returns the same metalinks from the cache as from parsing", func() {
			cold := newClient().list(uri, gitrepo.Options{})

			Expect(c.list(uri, gitrepo.Options{})).To(Equal(cold))
		})

		It("picks up new commits and removals", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v2.0.0.meta4": meta4("2.0.0")})
			repo.DeleteFiles(GinkgoT(), "withdraw", "v1.0.0.meta4")

			Expect(versionsOf(c.list(uri, gitrepo.Options{}))).To(ConsistOf("v1.1.0.meta4=1.1.0", "v2.0.0.meta4=2.0.0"))
		})

		It("follows a force-push that rewrote history", func() {
			repo.ReplaceHistory(GinkgoT(), "rewrite", map[string]string{"v3.0.0.meta4": meta4("3.0.0")})

			Expect(versionsOf(c.list(uri, gitrepo.Options{}))).To(ConsistOf("v3.0.0.meta4=3.0.0"))

			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v3.1.0.meta4": meta4("3.1.0")})
			Expect(versionsOf(c.list(uri, gitrepo.Options{}))).To(ConsistOf("v3.0.0.meta4=3.0.0", "v3.1.0.meta4=3.1.0"))
		})

		It("parses again, rather than cache inexactly, what the cache cannot represent", func() {
			zeroPriority := strings.Replace(meta4("1.2.0"), `priority="1"`, `priority="0"`, 1)
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v1.2.0.meta4": zeroPriority})

			cold := newClient().list(uri, gitrepo.Options{})
			warm := c.list(uri, gitrepo.Options{})
			again := c.list(uri, gitrepo.Options{})

			Expect(warm).To(Equal(cold))
			Expect(again).To(Equal(cold))
			Expect(again).To(ContainElement(HaveField("Metalink.Files", ContainElement(
				HaveField("URLs", ContainElement(HaveField("Priority", HaveValue(BeZero()))))))))
		})

		It("starts over when incremental fetches have piled up too many packs", func() {
			packDirs, err := filepath.Glob(filepath.Join(c.env.TempDir, "metalink-repository-git", "*", "git", "objects", "pack"))
			Expect(err).NotTo(HaveOccurred())
			Expect(packDirs).To(HaveLen(1))
			for i := range 40 {
				// Unreadable packs: a run that still used them would fail.
				name := filepath.Join(packDirs[0], fmt.Sprintf("pack-%040d", i))
				Expect(os.WriteFile(name+".pack", []byte("junk"), 0o600)).To(Succeed())
				Expect(os.WriteFile(name+".idx", []byte("junk"), 0o600)).To(Succeed())
			}
			// A moved branch, so that the run opens the cache.
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v2.0.0.meta4": meta4("2.0.0")})

			Expect(versionsOf(c.list(uri, gitrepo.Options{}))).To(ConsistOf("v1.0.0.meta4=1.0.0", "v1.1.0.meta4=1.1.0", "v2.0.0.meta4=2.0.0"))
			Expect(filepath.Glob(filepath.Join(packDirs[0], "*.pack"))).To(HaveLen(1))
		})

		It("lets runs that share the cache take turns", func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v2.0.0.meta4": meta4("2.0.0")})
			results := make(chan []string, 4)
			for range 4 {
				go func() {
					defer GinkgoRecover()
					results <- versionsOf(c.list(uri, gitrepo.Options{}))
				}()
			}

			for range 4 {
				Eventually(results).Should(Receive(ConsistOf("v1.0.0.meta4=1.0.0", "v1.1.0.meta4=1.1.0", "v2.0.0.meta4=2.0.0")))
			}
		})

		It("stops when its context is cancelled", func() {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()

			_, err := c.open(uri, gitrepo.Options{}).List(ctx)

			Expect(err).To(MatchError(context.Canceled))
		})

		It("recovers from a damaged cache", func() {
			caches, err := filepath.Glob(filepath.Join(c.env.TempDir, "metalink-repository-git", "*"))
			Expect(err).NotTo(HaveOccurred())
			Expect(caches).To(HaveLen(1))
			Expect(os.WriteFile(filepath.Join(caches[0], "metalinks-v3.gob"), []byte("garbage"), 0o600)).To(Succeed())
			Expect(os.RemoveAll(filepath.Join(caches[0], "git"))).To(Succeed())

			Expect(versionsOf(c.list(uri, gitrepo.Options{}))).To(ConsistOf("v1.0.0.meta4=1.0.0", "v1.1.0.meta4=1.1.0"))
		})
	})

	Context("over http", func() {
		var server *gitserver.HTTPServer

		BeforeEach(func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v1.0.0.meta4": meta4("1.0.0")})
			server = gitserver.StartHTTP(GinkgoT(), root, "ci", "t0ken-s3cret")
		})

		It("authenticates with userinfo in the uri", func() {
			httpURI := strings.Replace("git+"+server.RepoURL(repo), "http://", "http://ci:t0ken-s3cret@", 1)

			Expect(versionsOf(c.list(httpURI, gitrepo.Options{}))).To(ConsistOf("v1.0.0.meta4=1.0.0"))
		})

		It("authenticates with the username and password options", func() {
			options := gitrepo.Options{Username: "ci", Password: "t0ken-s3cret"}

			Expect(versionsOf(c.list("git+"+server.RepoURL(repo), options))).To(ConsistOf("v1.0.0.meta4=1.0.0"))
		})

		It("does not fetch again while the branch has not moved: one round trip lists the refs", func() {
			options := gitrepo.Options{Username: "ci", Password: "t0ken-s3cret"}
			c.list("git+"+server.RepoURL(repo), options)
			fetches, refLists := server.UploadPackRequests(), server.RefListRequests()

			Expect(versionsOf(c.list("git+"+server.RepoURL(repo), options))).To(ConsistOf("v1.0.0.meta4=1.0.0"))
			Expect(server.UploadPackRequests()).To(Equal(fetches))
			Expect(server.RefListRequests()).To(Equal(refLists+1), "the cache knew the tip: no second ref advertisement")

			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v2.0.0.meta4": meta4("2.0.0")})
			Expect(versionsOf(c.list("git+"+server.RepoURL(repo), options))).To(ConsistOf("v1.0.0.meta4=1.0.0", "v2.0.0.meta4=2.0.0"))
			Expect(server.UploadPackRequests()).To(Equal(fetches + 1))
		})

		It("does not print a wrong password given in the uri", func() {
			httpURI := strings.Replace("git+"+server.RepoURL(repo), "http://", "http://ci:wrong-s3cret@", 1)

			_, err := c.open(httpURI, gitrepo.Options{}).List(context.Background())

			Expect(err).To(MatchError(ContainSubstring("authentication required")))
			Expect(err.Error()).NotTo(ContainSubstring("wrong-s3cret"))
		})

		It("fails clearly on a wrong password, without printing it", func() {
			options := gitrepo.Options{Username: "ci", Password: "wrong-s3cret"}

			_, err := c.open("git+"+server.RepoURL(repo), options).List(context.Background())

			Expect(err).To(MatchError(ContainSubstring("authentication required")))
			Expect(err.Error()).To(ContainSubstring(server.RepoURL(repo)))
			Expect(err.Error()).NotTo(ContainSubstring("wrong-s3cret"))
		})
	})

	Context("over ssh", func() {
		var (
			server *gitserver.SSHServer
			key    *gitserver.Key
		)

		BeforeEach(func() {
			repo.WriteFiles(GinkgoT(), "publish", map[string]string{"metalinks/v1.0.0.meta4": meta4("1.0.0")})
			key = gitserver.NewKey(GinkgoT())
			server = gitserver.StartSSH(GinkgoT(), root, key.Public)
		})

		sshURI := func(format string) string {
			return fmt.Sprintf(format, server.Port)
		}

		It("logs in with the private key and checks the host key against known_hosts", func() {
			options := gitrepo.Options{PrivateKey: key.PrivatePEM, KnownHosts: server.KnownHosts()}

			entries := c.list(sshURI("git+ssh://git@127.0.0.1:%d/org/metalinks.git//metalinks#main"), options)

			Expect(versionsOf(entries)).To(ConsistOf("v1.0.0.meta4=1.0.0"))
			Expect(c.log.String()).NotTo(ContainSubstring("warning"))
		})

		It("logs in as git when the uri names no user", func() {
			options := gitrepo.Options{PrivateKey: key.PrivatePEM, KnownHosts: server.KnownHosts()}

			Expect(c.list(sshURI("git+ssh://127.0.0.1:%d/org/metalinks.git"), options)).To(HaveLen(1))
			Expect(server.Users()).To(And(Not(BeEmpty()), HaveEach("git")))
		})

		It("decrypts a private key with its passphrase", func() {
			locked := gitserver.NewKeyWithPassphrase(GinkgoT(), "open sesame")
			server = gitserver.StartSSH(GinkgoT(), root, locked.Public)
			options := gitrepo.Options{PrivateKey: locked.PrivatePEM, PrivateKeyPassphrase: "open sesame", KnownHosts: server.KnownHosts()}

			Expect(c.list(sshURI("git+ssh://git@127.0.0.1:%d/org/metalinks.git"), options)).To(HaveLen(1))
		})

		It("warns once that host keys are not checked without known_hosts", func() {
			r := c.open(sshURI("git+ssh://git@127.0.0.1:%d/org/metalinks.git"), gitrepo.Options{PrivateKey: key.PrivatePEM})

			for range 2 {
				entries, err := r.List(context.Background())
				Expect(err).NotTo(HaveOccurred())
				Expect(entries).To(HaveLen(1))
			}
			Expect(strings.Count(c.log.String(), "is not checked")).To(Equal(1))
		})

		It("rejects a server whose host key does not match known_hosts", func() {
			impostor := gitserver.KnownHostsLine("127.0.0.1", server.Port, gitserver.NewKey(GinkgoT()).Public)
			options := gitrepo.Options{PrivateKey: key.PrivatePEM, KnownHosts: impostor}

			_, err := c.open(sshURI("git+ssh://git@127.0.0.1:%d/org/metalinks.git"), options).List(context.Background())

			Expect(err).To(MatchError(ContainSubstring("does not match source.options.known_hosts")))
		})

		It("rejects a server that known_hosts does not list", func() {
			elsewhere := gitserver.KnownHostsLine("127.0.0.2", server.Port, server.HostKey)
			options := gitrepo.Options{PrivateKey: key.PrivatePEM, KnownHosts: elsewhere}

			_, err := c.open(sshURI("git+ssh://git@127.0.0.1:%d/org/metalinks.git"), options).List(context.Background())

			Expect(err).To(MatchError(ContainSubstring("is not listed in source.options.known_hosts")))
		})

		It("fails clearly when the server refuses the key, without printing the key", func() {
			stranger := gitserver.NewKey(GinkgoT())
			options := gitrepo.Options{PrivateKey: stranger.PrivatePEM, KnownHosts: server.KnownHosts()}

			_, err := c.open(sshURI("git+ssh://git@127.0.0.1:%d/org/metalinks.git"), options).List(context.Background())

			Expect(err).To(MatchError(ContainSubstring("unable to authenticate")))
			Expect(err.Error()).NotTo(ContainSubstring("PRIVATE KEY"))
		})
	})
})
