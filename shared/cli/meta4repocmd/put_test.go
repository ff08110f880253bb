package meta4repocmd_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/tlsca"
)

const (
	gitUser     = "ci"
	gitPassword = "git-http-password-1234"
)

// withDocument is tool with the document of version at name in its directory.
func withDocument(tool clitest.Tool, name, version string) clitest.Tool {
	filetree.Write(filepath.Join(tool.Dir, name), meta4Doc(version))
	return tool
}

var _ = Describe("put", func() {
	It("publishes to git over file as meta4 XML under the base name, and an identical put changes nothing", func() {
		repo := gitserver.NewRepo(GinkgoT(), GinkgoT().TempDir(), "releases.git")
		uri := "git+" + repo.FileURL() + "//golang.org#main"
		tool := withDocument(repoTool(), "v1.21.1.meta4", "1.21.1")
		r := tool.Run("put", "--author-name", "ci-bot", "--author-email", "ci@example.com", uri, "v1.21.1.meta4")
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stderr).To(ContainSubstring("published v1.21.1.meta4 (version 1.21.1)"))
		Expect(repo.Files(GinkgoT())).To(Equal([]string{"golang.org/v1.21.1.meta4"}))
		stored := repo.Show(GinkgoT(), "golang.org/v1.21.1.meta4")
		Expect(stored).To(HavePrefix("<?xml"))
		Expect(parse(stored)).To(Equal(parse(meta4Doc("1.21.1"))))
		Expect(repo.LastCommit(GinkgoT()).AuthorName).To(Equal("ci-bot"))

		commits := repo.CommitCount(GinkgoT())
		tool.Succeed("put", uri, "v1.21.1.meta4")
		Expect(repo.CommitCount(GinkgoT())).To(Equal(commits))
		Expect(tool.Succeed("filter", "--format=version", uri)).To(Equal("1.21.1\n"))
	})

	It("never gives a published version other bytes, unless --allow-changed-bytes", func() {
		uri := fileRepo(map[string]string{"v1.0.0.meta4": "1.0.0"})
		tool := repoTool()
		// The same file of the same version, 5 bytes instead of 4.
		filetree.Write(filepath.Join(tool.Dir, "changed.json"), strings.Replace(meta4Doc("1.0.0"), `"size":4`, `"size":5`, 1))

		Expect(tool.Fail("put", "--name", "v1.0.0.meta4", uri, "changed.json")).To(Equal(`meta4-repo put: upstream changed "app-1.0.0.tgz" ` +
			"since it was mirrored as version 1.0.0: size was 4 bytes, now 5; --allow-changed-bytes publishes it anyway"))
		Expect(tool.Succeed("show", "--format=json", uri)).To(MatchRegexp(`"size": ?4\b`))

		r := tool.Run("put", "--allow-changed-bytes", "--name", "v1.0.0.meta4", uri, "changed.json")
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stderr).To(ContainSubstring("warning: upstream changed \"app-1.0.0.tgz\" since it was mirrored as version 1.0.0: size was 4 bytes, now 5; published anyway (--allow-changed-bytes)"))
		Expect(tool.Succeed("show", "--format=json", uri)).To(MatchRegexp(`"size": ?5\b`))
	})

	It("lets puts racing for one branch all land, rebased", func() {
		repo := gitserver.NewRepo(GinkgoT(), GinkgoT().TempDir(), "race.git")
		uri := "git+" + repo.FileURL() + "#main"
		tool := withDocument(repoTool(), "seed.meta4", "0.1.0")
		tool.Succeed("put", uri, "seed.meta4") // the branch exists before the race
		versions := []string{"1.0.0", "1.1.0", "1.2.0"}
		results := make(chan error, len(versions))
		for _, v := range versions {
			withDocument(tool, "v"+v+".meta4", v)
			cmd := exec.Command(tool.Path, "put", "--rebase", "5", uri, "v"+v+".meta4")
			cmd.Dir, cmd.Env = tool.Dir, tool.Env
			go func() {
				out, err := cmd.CombinedOutput()
				if err != nil {
					err = fmt.Errorf("%w: %s", err, out)
				}
				results <- err
			}()
		}
		for range versions {
			Expect(<-results).To(Succeed())
		}
		Expect(tool.Succeed("filter", "--format=version", uri)).To(Equal("1.2.0\n1.1.0\n1.0.0\n0.1.0\n"))
	})

	It("publishes to git over http with the password from the environment, which it never prints", func() {
		root := GinkgoT().TempDir()
		repo := gitserver.NewRepo(GinkgoT(), root, "org/mirrors.git")
		server := gitserver.StartHTTP(GinkgoT(), root, gitUser, gitPassword)
		uri := "git+" + server.RepoURL(repo) + "#main"
		tool := withDocument(repoTool("META4_REPO_PASSWORD="+gitPassword), "doc.json", "2.0.0")
		tool.Succeed("put", "--username", gitUser, "--name", "stable/v2.0.0.meta4", uri, "doc.json")
		Expect(repo.Files(GinkgoT())).To(Equal([]string{"stable/v2.0.0.meta4"}))
		Expect(tool.Succeed("show", "--username", gitUser, "--format=version", uri)).To(Equal("2.0.0\n"))

		withUser := strings.Replace(uri, "http://", "http://"+gitUser+":wrong-password-5678@", 1)
		r := repoTool().Run("filter", withUser)
		line := r.FailedLine()
		Expect(line).To(ContainSubstring("check the credentials (uri userinfo or --username/$META4_REPO_PASSWORD)"))
		Expect(r.Stderr).NotTo(ContainSubstring("wrong-password-5678"))
	})

	It("publishes to git over https of a private CA with --ca-cert, and is refused without it", func() {
		ca := tlsca.New(GinkgoT(), "meta4-repo test CA")
		root := GinkgoT().TempDir()
		repo := gitserver.NewRepo(GinkgoT(), root, "org/tls.git")
		server := gitserver.StartHTTPS(GinkgoT(), root, gitUser, gitPassword, ca.ServerCertificate(GinkgoT()))
		uri := "git+" + server.RepoURL(repo) + "#main"
		tool := withDocument(repoTool("META4_REPO_PASSWORD="+gitPassword), "doc.json", "2.0.0")
		filetree.Write(filepath.Join(tool.Dir, "ca.pem"), ca.PEM)
		Expect(tool.Fail("put", "--username", gitUser, uri, "doc.json")).To(ContainSubstring("certificate signed by unknown authority"))

		tool.Succeed("put", "--ca-cert", "ca.pem", "--username", gitUser, "--name", "v2.0.0.meta4", uri, "doc.json")
		Expect(repo.Files(GinkgoT())).To(Equal([]string{"v2.0.0.meta4"}))
		r := tool.Run("show", "--skip-ssl-verification", "--username", gitUser, "--format=version", uri)
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stdout).To(Equal("2.0.0\n"))
		Expect(r.Stderr).To(ContainSubstring("warning: --skip-ssl-verification is on"))
	})

	It("publishes to git over ssh with the key and known_hosts files from flags or the environment", func() {
		root := GinkgoT().TempDir()
		repo := gitserver.NewRepo(GinkgoT(), root, "ssh/releases.git")
		key := gitserver.NewKey(GinkgoT())
		server := gitserver.StartSSH(GinkgoT(), root, key.Public)
		tool := withDocument(repoTool(), "v3.meta4", "3.0.0")
		filetree.Write(filepath.Join(tool.Dir, "id_ed25519"), key.PrivatePEM)
		filetree.Write(filepath.Join(tool.Dir, "known_hosts"), server.KnownHosts()+"\n")
		uri := "git+ssh://git@" + server.Addr() + "/" + repo.Name + "#main"

		tool.With("META4_REPO_KNOWN_HOSTS_FILE=known_hosts").Succeed("put", "--private-key-file", "id_ed25519", uri, "v3.meta4")
		Expect(repo.Files(GinkgoT())).To(Equal([]string{"v3.meta4"}))

		r := tool.With("META4_REPO_PRIVATE_KEY_FILE=id_ed25519").Run("filter", "--format=version", uri)
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stdout).To(Equal("3.0.0\n"))
		Expect(r.Stderr).To(ContainSubstring("ssh host key of " + server.Addr() + " is not checked: set --known-hosts-file to check it"))
		Expect(tool.Fail("filter", uri)).To(Equal("meta4-repo filter: open repository: --private-key-file is required for git+ssh"))

		// A rejection names where the known hosts came from.
		filetree.Write(filepath.Join(tool.Dir, "other_hosts"), "127.0.0.9 "+strings.SplitN(server.KnownHosts(), " ", 2)[1]+"\n")
		Expect(tool.With("META4_REPO_KNOWN_HOSTS_FILE=other_hosts").Fail("filter", "--private-key-file", "id_ed25519", uri)).To(
			ContainSubstring("ssh host " + server.Addr() + " is not listed in $META4_REPO_KNOWN_HOSTS_FILE"))
	})

	It("refuses a document without a version and a name that leaves the repository", func() {
		uri := fileRepo(nil)
		tool := withDocument(repoTool(), "v1.meta4", "1.0.0")
		filetree.Write(filepath.Join(tool.Dir, "noversion.json"), `{"files":[{"name":"a"}]}`)
		Expect(tool.Fail("put", uri, "noversion.json")).To(Equal(
			`meta4-repo put: noversion.json: its first file "a" has no version, which is the version check reports`))
		Expect(tool.Fail("put", "--name", "../v1.meta4", uri, "v1.meta4")).To(Equal(
			`meta4-repo put: --name: unsafe file name "../v1.meta4": contains a ".." segment`))
		Expect(tool.Fail("put", "http://127.0.0.1:1/index.xml", "v1.meta4")).To(ContainSubstring("http repository is read-only"))
	})

	Describe("an S3 repository", Ordered, func() {
		var s3 *s3server.Server
		BeforeAll(func() { s3 = s3server.Start(GinkgoT(), "metalinks") })

		It("publishes with the default credential chain and lists what it published", func() {
			tool := withDocument(repoTool(
				"AWS_ACCESS_KEY_ID="+s3server.AccessKey, "AWS_SECRET_ACCESS_KEY="+s3server.SecretKey, "META4_REPO_DISABLE_SSL=true",
			), "v1.0.0.meta4", "1.0.0")
			uri := "s3://" + s3.Host + "/metalinks/prod"
			tool.Succeed("put", uri, "v1.0.0.meta4")
			Expect(parse(filetree.Read(filepath.Join(s3.Dir, "metalinks", "prod", "v1.0.0.meta4")))).To(Equal(parse(meta4Doc("1.0.0"))))
			Expect(tool.Succeed("filter", "--format=version", uri)).To(Equal("1.0.0\n"))
			Expect(tool.Fail("filter", "--author-name", "x", uri)).To(Equal("meta4-repo filter: --author-name does not apply to s3:// repositories"))
		})
	})
})
