package gitrepo

import (
	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("parseURI", func() {
	DescribeTable("understands every uri form",
		func(uri string, want location) {
			Expect(parseURI(uri)).To(Equal(want))
		},
		Entry("a local bare repository", "git+file:///srv/x.git",
			location{remote: "file:///srv/x.git", scheme: "file"}),
		Entry("a local repository with localhost as host", "git+file://localhost/srv/x.git",
			location{remote: "file:///srv/x.git", scheme: "file"}),
		Entry("a local repository with a sub-path and a branch", "git+file:///srv/x.git//releases/stable#rel",
			location{remote: "file:///srv/x.git", scheme: "file", subPath: "releases/stable", branch: "rel"}),
		Entry("a percent-encoded local path", "git+file:///srv/my%20repo.git",
			location{remote: "file:///srv/my%20repo.git", scheme: "file"}),
		Entry("https with userinfo, sub-path and branch", "git+https://user:tok@github.com/org/repo.git//a/b#main",
			location{remote: "https://github.com/org/repo.git", scheme: "https", user: "user", password: "tok", subPath: "a/b", branch: "main"}),
		Entry("https with a percent-encoded password", "git+https://user:p%40ss%3Aword@host/repo.git",
			location{remote: "https://host/repo.git", scheme: "https", user: "user", password: "p@ss:word"}),
		Entry("http with a port", "git+http://127.0.0.1:8080/org/repo.git",
			location{remote: "http://127.0.0.1:8080/org/repo.git", scheme: "http"}),
		Entry("the git protocol", "git://host/x.git",
			location{remote: "git://host/x.git", scheme: "git"}),
		Entry("ssh, URL form", "git+ssh://git@github.com/org/repo.git",
			location{remote: "ssh://git@github.com/org/repo.git", scheme: "ssh", user: "git", hostPort: "github.com:22"}),
		Entry("ssh, URL form with sub-path and branch", "git+ssh://git@github.com/org/repo.git//sub/dir#br",
			location{remote: "ssh://git@github.com/org/repo.git", scheme: "ssh", user: "git", hostPort: "github.com:22", subPath: "sub/dir", branch: "br"}),
		Entry("ssh with a port, which is not a path", "git+ssh://git@host:2222/org/repo.git",
			location{remote: "ssh://git@host:2222/org/repo.git", scheme: "ssh", user: "git", hostPort: "host:2222"}),
		Entry("ssh with a port, sub-path and branch", "git+ssh://deploy@host:2222/org/repo.git//metalinks#prod",
			location{remote: "ssh://deploy@host:2222/org/repo.git", scheme: "ssh", user: "deploy", hostPort: "host:2222", subPath: "metalinks", branch: "prod"}),
		Entry("ssh without a user logs in as git", "git+ssh://host/org/repo.git",
			location{remote: "ssh://git@host/org/repo.git", scheme: "ssh", user: "git", hostPort: "host:22"}),
		Entry("ssh, clone form", "git+ssh://git@github.com:org/repo.git",
			location{remote: "git@github.com:org/repo.git", scheme: "ssh", user: "git", hostPort: "github.com:22"}),
		Entry("ssh, clone form with sub-path and branch", "git+ssh://git@github.com:org/repo.git//sub#br",
			location{remote: "git@github.com:org/repo.git", scheme: "ssh", user: "git", hostPort: "github.com:22", subPath: "sub", branch: "br"}),
		Entry("ssh, clone form without a user", "git+ssh://github.com:org/repo",
			location{remote: "git@github.com:org/repo", scheme: "ssh", user: "git", hostPort: "github.com:22"}),
		Entry("ssh, clone form with an absolute path", "git+ssh://git@host:/srv/repo.git//sub",
			location{remote: "git@host:/srv/repo.git", scheme: "ssh", user: "git", hostPort: "host:22", subPath: "sub"}),
		Entry("ssh, clone form with a single path segment", "git+ssh://git@host:repo.git#dev",
			location{remote: "git@host:repo.git", scheme: "ssh", user: "git", hostPort: "host:22", branch: "dev"}),
		Entry("ssh to an IPv6 host with a port", "git+ssh://git@[::1]:2222/repo.git",
			location{remote: "ssh://git@[::1]:2222/repo.git", scheme: "ssh", user: "git", hostPort: "[::1]:2222"}),
		Entry("an upper-case scheme", "GIT+FILE:///srv/x.git",
			location{remote: "file:///srv/x.git", scheme: "file"}),
		Entry("a sub-path glob", "git+file:///srv/x.git//releases/*/metalinks",
			location{remote: "file:///srv/x.git", scheme: "file", subPath: "releases/*/metalinks"}),
		Entry("a sub-path with surplus slashes and dots", "git+file:///srv/x.git//./a//b/",
			location{remote: "file:///srv/x.git", scheme: "file", subPath: "a/b"}),
		Entry("an empty fragment", "git+file:///srv/x.git#",
			location{remote: "file:///srv/x.git", scheme: "file"}),
		Entry("a branch with slashes", "git+file:///srv/x.git#release/1.x",
			location{remote: "file:///srv/x.git", scheme: "file", branch: "release/1.x"}),
	)

	DescribeTable("rejects uris it cannot use",
		func(uri, message string) {
			_, err := parseURI(uri)
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("no scheme separator", "/srv/x.git", "expected SCHEME://"),
		Entry("an unknown scheme", "svn://host/x", `unsupported scheme "svn"`),
		Entry("a relative file path", "git+file://./x.git", "needs an absolute path"),
		Entry("credentials on a local path", "git+file://user@/srv/x.git", "cannot carry credentials"),
		Entry("no repository path", "git+https://host", "no repository path"),
		Entry("only a sub-path", "git+https://host//sub", "no repository path"),
		Entry("no host", "git+https:///x.git", "has no host"),
		Entry("a bad http port", "git+https://host:port/x.git", `invalid port "port"`),
		Entry("a password for ssh", "git+ssh://git:pw@host/x.git", "cannot carry a password"),
		Entry("no ssh host", "git+ssh:///x.git", "has no host"),
		Entry("credentials for git://", "git://user@host/x.git", "cannot carry credentials"),
		Entry("a sub-path leaving the repository", "git+file:///srv/x.git//a/../../etc", "must stay inside the repository"),
		Entry("a broken glob", "git+file:///srv/x.git//a/[b", "not a valid glob"),
		Entry("an invalid branch", "git+file:///srv/x.git#bad..branch", "not a valid git branch name"),
		Entry("bad percent-encoding", "git+file:///srv/x%zz.git", "not valid percent-encoding"),
		Entry("a clone form with an IPv6 host", "git+ssh://git@[::1]:repo.git", "IPv6"),
		Entry("an ssh port above 65535", "git+ssh://git@host:99999/x.git", `git+ssh uri has an invalid port "99999" (expected 1 to 65535)`),
		Entry("ssh port 0", "git+ssh://git@host:0/x.git", `invalid port "0"`),
		Entry("an ssh port beyond any integer", "git+ssh://git@host:184467440737095516160/x.git", `invalid port "184467440737095516160"`),
		Entry("an out-of-range ssh port without a path", "git+ssh://git@host:70000", `invalid port "70000"`),
		Entry("an out-of-range ssh port with a sub-path and branch", "git+ssh://git@host:65536/x.git//sub#main", `invalid port "65536"`),
		Entry("an out-of-range ssh port on an IPv6 host", "git+ssh://git@[::1]:99999/x.git", `invalid port "99999"`),
	)

	It("names the uri, without its userinfo, when it refuses a port", func() {
		_, err := Configure("git+ssh://deploy@host:99999/org/repo.git", Options{}, repotest.Names)
		Expect(err).To(MatchError(`source.uri "git+ssh://deploy@host:99999/org/repo.git": git+ssh uri has an invalid port "99999" (expected 1 to 65535)`))
	})

	It("still reads a clone-form path that starts with digits and more", func() {
		Expect(parseURI("git+ssh://git@host:2024-releases/repo.git")).To(Equal(
			location{remote: "git@host:2024-releases/repo.git", scheme: "ssh", user: "git", hostPort: "host:22"}))
	})
})
