package gitserver_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

// gitCLI runs the real git client and returns its combined output.
func gitCLI(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(gitserver.IsolatedGitEnv(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// pushNewFile clones url, commits one file and pushes it back.
func pushNewFile(url string, env []string, name string) (string, error) {
	work := filepath.Join(GinkgoT().TempDir(), "work")
	if out, err := gitCLI("", env, "clone", "--quiet", url, work); err != nil {
		return out, err
	}
	Expect(os.WriteFile(filepath.Join(work, name), []byte("pushed\n"), 0o644)).To(Succeed())
	identity := []string{"-c", "user.name=T", "-c", "user.email=t@localhost"}
	if out, err := gitCLI(work, env, append(identity, "add", name)...); err != nil {
		return out, err
	}
	if out, err := gitCLI(work, env, append(identity, "commit", "--quiet", "-m", "push "+name)...); err != nil {
		return out, err
	}
	return gitCLI(work, env, "push", "--quiet", "origin", "HEAD:"+gitserver.DefaultBranch)
}

var _ = Describe("Repo", func() {
	var repo *gitserver.Repo

	BeforeEach(func() {
		repo = gitserver.NewRepo(GinkgoT(), GinkgoT().TempDir(), "org/repo.git")
	})

	It("starts empty with HEAD on the default branch", func() {
		Expect(repo.Head(GinkgoT())).To(BeEmpty())
		Expect(repo.CommitCount(GinkgoT())).To(Equal(0))
		Expect(gitserver.Git(GinkgoT(), repo.Path, "symbolic-ref", "HEAD")).To(Equal("refs/heads/main"))
	})

	It("commits, deletes and describes files", func() {
		first := repo.WriteFiles(GinkgoT(), "first", map[string]string{"a.txt": "A", "dir/b.txt": "B"})
		second := repo.DeleteFiles(GinkgoT(), "second", "a.txt")

		Expect(first).NotTo(Equal(second))
		Expect(repo.Head(GinkgoT())).To(Equal(second))
		Expect(repo.CommitCount(GinkgoT())).To(Equal(2))
		Expect(repo.Files(GinkgoT())).To(Equal([]string{"dir/b.txt"}))
		Expect(repo.Show(GinkgoT(), "dir/b.txt")).To(Equal("B"))
		Expect(repo.LastCommit(GinkgoT())).To(Equal(gitserver.CommitInfo{
			Hash: second, AuthorName: "Test", AuthorEmail: "test@localhost",
			CommitterName: "Test", CommitterEmail: "test@localhost", Message: "second",
		}))
	})

	It("imports many versions with one commit each", func() {
		repo.WriteFiles(GinkgoT(), "readme", map[string]string{"README": "hi"})
		repo.ImportVersions(GinkgoT(), 50, func(i int) (string, []byte) {
			return fmt.Sprintf("v1.0.%d.meta4", i), gitserver.Meta4(fmt.Sprintf("1.0.%d", i))
		})

		Expect(repo.CommitCount(GinkgoT())).To(Equal(51))
		Expect(repo.Files(GinkgoT())).To(HaveLen(51))
		Expect(repo.Show(GinkgoT(), "v1.0.49.meta4")).To(ContainSubstring("<version>1.0.49</version>"))
	})

	It("replaces history with an unrelated root commit", func() {
		old := repo.WriteFiles(GinkgoT(), "old", map[string]string{"old.txt": "old"})
		repo.ReplaceHistory(GinkgoT(), "new", map[string]string{"new.txt": "new"})

		Expect(repo.CommitCount(GinkgoT())).To(Equal(1))
		Expect(repo.Files(GinkgoT())).To(Equal([]string{"new.txt"}))
		_, err := gitCLI(repo.Path, nil, "merge-base", "--is-ancestor", old, gitserver.DefaultBranch)
		Expect(err).To(HaveOccurred())
	})

	It("rejects pushes once told to", func() {
		repo.WriteFiles(GinkgoT(), "first", map[string]string{"a.txt": "A"})
		repo.RejectPushes(GinkgoT())

		out, err := pushNewFile(repo.FileURL(), nil, "b.txt")

		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("pushes are rejected by this test repository"))
		Expect(repo.CommitCount(GinkgoT())).To(Equal(1))
	})
})

var _ = Describe("Meta4", func() {
	It("describes the version it is given", func() {
		doc := string(gitserver.Meta4("2.0.1"))
		Expect(doc).To(HavePrefix(`<?xml version="1.0" encoding="UTF-8"?>`))
		Expect(doc).To(ContainSubstring(`xmlns="urn:ietf:params:xml:ns:metalink"`))
		Expect(doc).To(ContainSubstring(`<file name="app-2.0.1.tgz">`))
		Expect(doc).To(MatchRegexp(`<hash type="sha-256">[0-9a-f]{64}</hash>`))
	})
})

var _ = Describe("HTTPServer", func() {
	var (
		repo   *gitserver.Repo
		server *gitserver.HTTPServer
	)

	BeforeEach(func() {
		root := GinkgoT().TempDir()
		repo = gitserver.NewRepo(GinkgoT(), root, "org/repo.git")
		repo.WriteFiles(GinkgoT(), "first", map[string]string{"a.txt": "A"})
		server = gitserver.StartHTTP(GinkgoT(), root, "user", "s3cret")
	})

	withCredentials := func(user, password string) string {
		return strings.Replace(server.RepoURL(repo), "http://", "http://"+user+":"+password+"@", 1)
	}

	It("listens on 127.0.0.1", func() {
		Expect(server.URL).To(HavePrefix("http://127.0.0.1:"))
	})

	It("serves clones and pushes to the right credentials", func() {
		out, err := pushNewFile(withCredentials("user", "s3cret"), nil, "b.txt")

		Expect(err).NotTo(HaveOccurred(), out)
		Expect(repo.Files(GinkgoT())).To(Equal([]string{"a.txt", "b.txt"}))
		Expect(server.UploadPackRequests()).To(BeNumerically(">=", 1))
	})

	It("answers 401 to a wrong password", func() {
		out, err := gitCLI("", nil, "ls-remote", withCredentials("user", "wrong"))

		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("Authentication failed"))
	})
})

var _ = Describe("SSHServer", func() {
	var (
		repo   *gitserver.Repo
		server *gitserver.SSHServer
		key    *gitserver.Key
	)

	BeforeEach(func() {
		root := GinkgoT().TempDir()
		repo = gitserver.NewRepo(GinkgoT(), root, "org/repo.git")
		repo.WriteFiles(GinkgoT(), "first", map[string]string{"a.txt": "A"})
		key = gitserver.NewKey(GinkgoT())
		server = gitserver.StartSSH(GinkgoT(), root, key.Public)
	})

	// sshEnv makes the OpenSSH client use identity and trust knownHosts only.
	sshEnv := func(identity *gitserver.Key, knownHosts string) []string {
		dir := GinkgoT().TempDir()
		keyFile := filepath.Join(dir, "id")
		Expect(os.WriteFile(keyFile, []byte(identity.PrivatePEM), 0o600)).To(Succeed())
		knownHostsFile := filepath.Join(dir, "known_hosts")
		Expect(os.WriteFile(knownHostsFile, []byte(knownHosts+"\n"), 0o600)).To(Succeed())
		command := fmt.Sprintf("ssh -F /dev/null -i %s -o IdentitiesOnly=yes -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes -o BatchMode=yes", keyFile, knownHostsFile)
		return []string{"GIT_SSH_COMMAND=" + command}
	}

	It("serves clones and pushes over the URL form to an authorized key", func() {
		url := fmt.Sprintf("ssh://git@127.0.0.1:%d/org/repo.git", server.Port)

		out, err := pushNewFile(url, sshEnv(key, server.KnownHosts()), "b.txt")

		Expect(err).NotTo(HaveOccurred(), out)
		Expect(repo.Files(GinkgoT())).To(Equal([]string{"a.txt", "b.txt"}))
		Expect(server.Users()).To(ContainElement("git"))
	})

	It("resolves the scp form relative to its root", func() {
		env := append(sshEnv(key, server.KnownHosts()), "GIT_SSH_VARIANT=ssh")
		env[0] += fmt.Sprintf(" -p %d", server.Port)

		out, err := gitCLI("", env, "ls-remote", "git@127.0.0.1:org/repo.git")

		Expect(err).NotTo(HaveOccurred(), out)
		Expect(out).To(ContainSubstring(repo.Head(GinkgoT())))
	})

	It("refuses a key it does not know", func() {
		url := fmt.Sprintf("ssh://git@127.0.0.1:%d/org/repo.git", server.Port)

		out, err := gitCLI("", sshEnv(gitserver.NewKey(GinkgoT()), server.KnownHosts()), "ls-remote", url)

		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("Permission denied"))
	})

	It("is refused by a client that expects another host key", func() {
		url := fmt.Sprintf("ssh://git@127.0.0.1:%d/org/repo.git", server.Port)
		otherHost := gitserver.KnownHostsLine("127.0.0.1", server.Port, gitserver.NewKey(GinkgoT()).Public)

		out, err := gitCLI("", sshEnv(key, otherHost), "ls-remote", url)

		Expect(err).To(HaveOccurred())
		Expect(out).To(ContainSubstring("HOST IDENTIFICATION HAS CHANGED"))
	})
})
