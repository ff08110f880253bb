package gitrepo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/repository"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

var _ = Describe("Put", func() {
	var (
		root string
		repo *gitserver.Repo
		c    *client
		uri  string
		ctx  context.Context
	)

	BeforeEach(func() {
		root = GinkgoT().TempDir()
		repo = gitserver.NewRepo(GinkgoT(), root, "org/metalinks.git")
		repo.WriteFiles(GinkgoT(), "initial", map[string]string{"README.md": "metalinks"})
		c = newClient()
		uri = "git+" + repo.FileURL()
		ctx = context.Background()
	})

	It("commits a new metalink with the default identity and message", func() {
		Expect(c.open(uri, gitrepo.Options{}).Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())

		Expect(repo.CommitCount(GinkgoT())).To(Equal(2))
		Expect(repo.Show(GinkgoT(), "v1.0.0.meta4")).To(Equal(strings.TrimSpace(meta4("1.0.0"))))
		Expect(repo.Files(GinkgoT())).To(Equal([]string{"README.md", "v1.0.0.meta4"}))
		last := repo.LastCommit(GinkgoT())
		Expect(last.AuthorName).To(Equal("metalink-repository"))
		Expect(last.AuthorEmail).To(Equal("metalink-repository@localhost"))
		Expect(last.CommitterName).To(Equal("metalink-repository"))
		Expect(last.CommitterEmail).To(Equal("metalink-repository@localhost"))
		Expect(last.Message).To(Equal("update metalink"))
		Expect(gitserver.Git(GinkgoT(), repo.Path, "fsck", "--strict", "--no-dangling")).To(BeEmpty())
	})

	It("honours the author, committer and message options", func() {
		options := gitrepo.Options{
			AuthorName: "Ann", AuthorEmail: "ann@example.com",
			CommitterName: "Cid", CommitterEmail: "cid@example.com",
			Message: "publish 1.0.0",
		}

		Expect(c.open(uri, options).Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())

		last := repo.LastCommit(GinkgoT())
		Expect(last.AuthorName).To(Equal("Ann"))
		Expect(last.AuthorEmail).To(Equal("ann@example.com"))
		Expect(last.CommitterName).To(Equal("Cid"))
		Expect(last.CommitterEmail).To(Equal("cid@example.com"))
		Expect(last.Message).To(Equal("publish 1.0.0"))
	})

	It("writes under the uri's sub-path, creating directories, next to what is there", func() {
		repo.WriteFiles(GinkgoT(), "existing", map[string]string{"releases/stable/v0.9.0.meta4": meta4("0.9.0")})
		r := c.open(uri+"//releases/stable", gitrepo.Options{})

		Expect(r.Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())
		Expect(c.open(uri+"//releases/new", gitrepo.Options{}).Put(ctx, repository.Document{Name: "deeper/v2.0.0.meta4", Data: []byte(meta4("2.0.0"))})).To(Succeed())

		Expect(repo.Files(GinkgoT())).To(Equal([]string{
			"README.md", "releases/new/deeper/v2.0.0.meta4", "releases/stable/v0.9.0.meta4", "releases/stable/v1.0.0.meta4",
		}))
		Expect(gitserver.Git(GinkgoT(), repo.Path, "fsck", "--strict", "--no-dangling")).To(BeEmpty())
		entries, err := r.List(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(versionsOf(entries)).To(ConsistOf("v0.9.0.meta4=0.9.0", "v1.0.0.meta4=1.0.0"))
	})

	It("keeps git's tree order when names sort differently as directories", func() {
		repo.WriteFiles(GinkgoT(), "tricky names", map[string]string{"a-b": "file", "a/x": "dir", "a.c": "file"})

		Expect(c.open(uri, gitrepo.Options{}).Put(ctx, repository.Document{Name: "a/v1.meta4", Data: []byte(meta4("1"))})).To(Succeed())
		Expect(c.open(uri, gitrepo.Options{}).Put(ctx, repository.Document{Name: "a0.meta4", Data: []byte(meta4("2"))})).To(Succeed())

		Expect(gitserver.Git(GinkgoT(), repo.Path, "fsck", "--strict", "--no-dangling")).To(BeEmpty())
	})

	It("does nothing when the same content is already there", func() {
		r := c.open(uri, gitrepo.Options{})
		Expect(r.Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())
		head := repo.Head(GinkgoT())

		Expect(r.Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())
		Expect(newClient().open(uri, gitrepo.Options{}).Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())

		Expect(repo.Head(GinkgoT())).To(Equal(head))
		Expect(c.log.String()).To(ContainSubstring("already has this content: nothing to commit"))
	})

	It("replaces changed content in exactly one commit", func() {
		r := c.open(uri, gitrepo.Options{})
		Expect(r.Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())
		before := repo.CommitCount(GinkgoT())

		Expect(r.Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0-fixed"))})).To(Succeed())

		Expect(repo.CommitCount(GinkgoT())).To(Equal(before + 1))
		Expect(repo.Show(GinkgoT(), "v1.0.0.meta4")).To(ContainSubstring("1.0.0-fixed"))
		Expect(gitserver.Git(GinkgoT(), repo.Path, "diff", "--name-only", "HEAD~1", "HEAD")).To(Equal("v1.0.0.meta4"))
	})

	It("builds on commits others pushed since its cache was filled", func() {
		r := c.open(uri, gitrepo.Options{})
		Expect(r.Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())
		repo.WriteFiles(GinkgoT(), "someone else", map[string]string{"v1.5.0.meta4": meta4("1.5.0")})

		Expect(r.Put(ctx, repository.Document{Name: "v2.0.0.meta4", Data: []byte(meta4("2.0.0"))})).To(Succeed())

		Expect(repo.Files(GinkgoT())).To(Equal([]string{"README.md", "v1.0.0.meta4", "v1.5.0.meta4", "v2.0.0.meta4"}))
	})

	It("creates the first commit of an empty repository on the named branch", func() {
		empty := gitserver.NewRepo(GinkgoT(), root, "empty.git")

		Expect(c.open("git+"+empty.FileURL()+"#"+gitserver.DefaultBranch, gitrepo.Options{}).Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())

		Expect(empty.CommitCount(GinkgoT())).To(Equal(1))
		Expect(empty.Files(GinkgoT())).To(Equal([]string{"v1.0.0.meta4"}))
	})

	It("asks for a branch to create in an empty repository", func() {
		empty := gitserver.NewRepo(GinkgoT(), root, "empty.git")

		err := c.open("git+"+empty.FileURL(), gitrepo.Options{}).Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})

		Expect(err).To(MatchError(ContainSubstring("add #branch to the uri")))
	})

	It("creates a new branch in a repository that has others", func() {
		Expect(c.open(uri+"#metalinks", gitrepo.Options{}).Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())

		Expect(gitserver.Git(GinkgoT(), repo.Path, "ls-tree", "--name-only", "metalinks")).To(Equal("v1.0.0.meta4"))
		Expect(repo.CommitCount(GinkgoT())).To(Equal(1))
	})

	DescribeTable("refuses names that leave the sub-path",
		func(name string) {
			err := c.open(uri, gitrepo.Options{}).Put(ctx, repository.Document{Name: name, Data: []byte(meta4("1.0.0"))})
			Expect(err).To(MatchError(ContainSubstring("invalid metalink name")))
			Expect(repo.CommitCount(GinkgoT())).To(Equal(1))
		},
		Entry("empty", ""),
		Entry("absolute", "/etc/v1.meta4"),
		Entry("parent directory", "../v1.meta4"),
		Entry("empty segment", "a//v1.meta4"),
		Entry("git's own directory", ".git/config"),
		Entry("a backslash", `a\v1.meta4`),
	)

	It("refuses to write into a sub-path glob", func() {
		err := c.open(uri+"//releases/*", gitrepo.Options{}).Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})

		Expect(err).To(MatchError(ContainSubstring("sub-path glob")))
	})

	It("refuses to replace a directory with a file", func() {
		repo.WriteFiles(GinkgoT(), "dir", map[string]string{"v1.0.0.meta4/inside": "x"})

		err := c.open(uri, gitrepo.Options{}).Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})

		Expect(err).To(MatchError(ContainSubstring("is a directory")))
	})

	It("retries a rejected push on the new tip and loses nothing", func() {
		r := c.open(uri, gitrepo.Options{})
		Expect(r.Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())
		rejectOnce(repo)
		var waits []int
		gitrepo.SetBackoff(r, func(attempt int) time.Duration {
			waits = append(waits, attempt)
			// The branch moves while we wait, as when another pipeline wins.
			repo.WriteFiles(GinkgoT(), "racing writer", map[string]string{"v1.5.0.meta4": meta4("1.5.0")})
			return 0
		})

		Expect(r.Put(ctx, repository.Document{Name: "v2.0.0.meta4", Data: []byte(meta4("2.0.0"))})).To(Succeed())

		Expect(waits).To(Equal([]int{1}))
		Expect(repo.Files(GinkgoT())).To(Equal([]string{"README.md", "v1.0.0.meta4", "v1.5.0.meta4", "v2.0.0.meta4"}))
		Expect(gitserver.Git(GinkgoT(), repo.Path, "log", "-1", "--format=%s", "HEAD~1")).To(Equal("racing writer"))
		Expect(c.log.String()).To(ContainSubstring("retrying on the new tip"))
	})

	It("gives up after rebase retries when the remote rejects every push", func() {
		repo.RejectPushes(GinkgoT())
		head := repo.Head(GinkgoT())
		retries := uint(2)
		r := c.open(uri, gitrepo.Options{Rebase: &retries})
		attempts := 0
		gitrepo.SetBackoff(r, func(int) time.Duration { attempts++; return 0 })

		err := r.Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})

		Expect(err).To(MatchError(ContainSubstring("attempt 3 of 3")))
		Expect(err).To(MatchError(ContainSubstring("pre-receive hook declined")))
		Expect(attempts).To(Equal(2))
		Expect(repo.Head(GinkgoT())).To(Equal(head))
		Expect(c.log.String()).To(ContainSubstring("pushes are rejected by this test repository"))
		Expect(strings.Count(c.log.String(), "retrying on the new tip")).To(Equal(2))
	})

	It("lands every one of 8 concurrent puts to the same branch", func() {
		const writers = 8
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer GinkgoRecover()
				defer wg.Done()
				// Each writer is its own container with its own cache. Eight
				// writers racing need up to seven retries in the worst case.
				retries := uint(writers)
				r := newClient().open(uri, gitrepo.Options{Rebase: &retries})
				errs[i] = r.Put(ctx, repository.Document{Name: fmt.Sprintf("v%d.0.0.meta4", i), Data: []byte(meta4(fmt.Sprintf("%d.0.0", i)))})
			}()
		}
		wg.Wait()

		for _, err := range errs {
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(repo.CommitCount(GinkgoT())).To(Equal(1 + writers))
		Expect(repo.Files(GinkgoT())).To(HaveLen(1 + writers))
		Expect(gitserver.Git(GinkgoT(), repo.Path, "fsck", "--strict", "--no-dangling")).To(BeEmpty())
	})

	It("pushes over http with basic auth", func() {
		server := gitserver.StartHTTP(GinkgoT(), root, "ci", "t0ken")
		options := gitrepo.Options{Username: "ci", Password: "t0ken"}

		Expect(c.open("git+"+server.RepoURL(repo), options).Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())

		Expect(repo.Files(GinkgoT())).To(ContainElement("v1.0.0.meta4"))
	})

	It("pushes over ssh with a key", func() {
		key := gitserver.NewKey(GinkgoT())
		server := gitserver.StartSSH(GinkgoT(), root, key.Public)
		options := gitrepo.Options{PrivateKey: key.PrivatePEM, KnownHosts: server.KnownHosts()}
		sshURI := fmt.Sprintf("git+ssh://git@127.0.0.1:%d/org/metalinks.git//metalinks", server.Port)

		Expect(c.open(sshURI, options).Put(ctx, repository.Document{Name: "v1.0.0.meta4", Data: []byte(meta4("1.0.0"))})).To(Succeed())

		Expect(repo.Files(GinkgoT())).To(ContainElement("metalinks/v1.0.0.meta4"))
	})
})

// rejectOnce installs a pre-receive hook that declines the first push only.
func rejectOnce(repo *gitserver.Repo) {
	marker := filepath.Join(repo.Path, "rejected-once")
	script := fmt.Sprintf("#!/bin/sh\nif [ ! -e %q ]; then touch %q; echo 'busy, try again' >&2; exit 1; fi\n", marker, marker)
	Expect(os.WriteFile(filepath.Join(repo.Path, "hooks", "pre-receive"), []byte(script), 0o755)).To(Succeed())
}
