package meta4cmd_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/ftpserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/hostileserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/planted"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// payload is what the hostile site serves, and what valid documents describe.
var payload = strings.Repeat("hostile corpus payload\n", 4000)

// hostileToken is the GITHUB_TOKEN of every hostile run: it must never show.
const hostileToken = "ghp_hostileCorpusToken0123456789"

// hostileWorld is the ground of one hostile case: a work directory holding
// a/b/dest (with keep.txt, deep enough that "../../x" from it stays inside
// work), outside/ (where symlinks in dest lead) and repo/ (a file://
// repository), a misbehaving download site and a hostile GitHub API.
type hostileWorld struct {
	work   string
	site   *hostileserver.Server
	extra  *httptest.Server // endless bodies and GitHub API answers
	github sync.Map         // tag => the API's answer
	env    []string         // more of the tools' environment, from a case's setup
}

const destPath = "a/b/dest"

func newHostileWorld() *hostileWorld {
	w := &hostileWorld{work: GinkgoT().TempDir()}
	filetree.Write(filepath.Join(w.work, destPath, "keep.txt"), "kept")
	filetree.Write(filepath.Join(w.work, "outside", "victim"), "untouched")
	Expect(os.MkdirAll(filepath.Join(w.work, "repo"), 0o755)).To(Succeed())
	w.site = hostileserver.Start(GinkgoT(), map[string][]byte{"payload.tgz": []byte(payload)})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /endless/{name}", endlessBody)
	mux.HandleFunc("GET /repos/acme/tool/releases/tags/{tag}", func(rw http.ResponseWriter, r *http.Request) {
		if r.PathValue("tag") == "huge" {
			hugeRelease(rw)
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		answer, _ := w.github.Load(r.PathValue("tag"))
		_, _ = rw.Write([]byte(answer.(string)))
	})
	w.extra = httptest.NewServer(mux)
	DeferCleanup(w.extra.Close)
	return w
}

// endlessBody sends the payload's bytes without a length, and then more,
// until the client goes away.
func endlessBody(w http.ResponseWriter, r *http.Request) {
	chunk := []byte(payload)
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// hugeRelease is a release whose asset list never ends.
func hugeRelease(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"tag_name":"huge","assets":[`))
	asset := []byte(`{"name":"a.tgz","size":1,"browser_download_url":"https://example.com/a.tgz"},`)
	for {
		if _, err := w.Write(asset); err != nil {
			return
		}
	}
}

// secretURL is where behaviour serves the payload, with the planted
// password in its userinfo.
func (w *hostileWorld) secretURL(behaviour string) string {
	return "http://user:" + planted.Password + "@" + strings.TrimPrefix(w.site.URL, "http://") + "/" + behaviour + "/payload.tgz"
}

// document writes x.meta4 in format, holding files.
func (w *hostileWorld) document(format string, files ...metalink.File) {
	filetree.Write(filepath.Join(w.work, "x.meta4"), encoded(format, files...))
}

func (w *hostileWorld) tool(path string) clitest.Tool {
	return clitest.New(path, w.work, "GITHUB_API_URL="+w.extra.URL, "GITHUB_TOKEN="+hostileToken).With(w.env...)
}

// hostileCase is one entry of the corpus: setup prepares the world and
// returns the tool's path and arguments; want is part of the error line.
type hostileCase struct {
	setup func(w *hostileWorld) (tool string, args []string)
	want  string
	// usage: the command is called wrongly, so it exits 2 and its usage
	// follows the error line.
	usage bool
}

// runHostileCase runs c and checks what every refusal must look like:
// exit 1 (2 for a usage error), nothing on stdout, one error line on
// stderr naming the command (after, for a download, its report lines on
// the file; before, for a usage error, the usage), no secret, no panic,
// and the work directory exactly as it was.
func runHostileCase(c hostileCase) {
	w := newHostileWorld()
	path, args := c.setup(w)
	before := filetree.Snapshot(w.work)
	r := w.tool(path).Run(args...)
	code, report := 1, r.Stderr
	if c.usage {
		var usage bool
		code = 2
		report, _, usage = strings.Cut(r.Stderr, "Usage:\n")
		Expect(usage).To(BeTrue(), "stderr: %s", r.Stderr)
	}
	Expect(r.Code).To(Equal(code), "stdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	Expect(r.Stdout).To(BeEmpty())
	Expect(report).To(HaveSuffix("\n"))
	lines := strings.Split(strings.TrimSuffix(report, "\n"), "\n")
	last := lines[len(lines)-1]
	Expect(last).To(HavePrefix(filepath.Base(path) + " " + args[len(args)-commandDepth(args)] + ": "))
	Expect(last).To(ContainSubstring(c.want))
	for _, line := range lines[:len(lines)-1] {
		// Only a download reports, before it fails, on the file it fetched.
		Expect(line).To(HavePrefix("payload.tgz: "), "stderr: %s", r.Stderr)
	}
	Expect(r.Stderr).NotTo(ContainSubstring(planted.Password))
	Expect(r.Stderr).NotTo(ContainSubstring(hostileToken))
	Expect(r.Stderr).NotTo(ContainSubstring(s3server.SecretKey))
	Expect(r.Stderr).NotTo(ContainSubstring("goroutine "))
	Expect(filetree.Snapshot(w.work)).To(Equal(before))
}

// commandDepth finds the command among args: the first that is no flag.
func commandDepth(args []string) int {
	for i, arg := range args {
		if !strings.HasPrefix(arg, "-") {
			return len(args) - i
		}
	}
	return len(args)
}

// payloadFile is the payload described validly, as name, at urls.
func payloadFile(name string, urls ...string) metalink.File {
	f := describedAs(name, payload, urls...)
	f.Version = "1.0.0"
	return f
}

// unsafeNames are the file name sets no command may act on, each with what
// the refusal says.
var unsafeNames = []struct {
	names []string
	want  string
}{
	{[]string{"../../trav-escaped"}, `contains a ".." segment`},
	{[]string{"../up.tgz"}, `contains a ".." segment`},
	{[]string{"sub/../../../x.tgz"}, `contains a ".." segment`},
	{[]string{"/tmp/absolute.tgz"}, "is an absolute path"},
	{[]string{"./here.tgz"}, `contains a "." segment`},
	{[]string{"a//b.tgz"}, "contains an empty path segment"},
	{[]string{"C:drive.tgz"}, "Windows drive letter"},
	{[]string{`dir\..\..\x.tgz`}, "contains a backslash"},
	{[]string{".resource/metalink.meta4"}, "reserved for the resource's own records"},
	{[]string{"app.tgz", "app.tgz"}, `duplicate file name "app.tgz"`},
	{[]string{"app", "app/bin.tgz"}, `needs "app" to be a directory`},
	{[]string{"ok.tgz", "../second.tgz"}, `contains a ".." segment`},
}

// unsafeDocument describes the payload under each of names.
func unsafeDocument(w *hostileWorld, format string, names []string) {
	files := make([]metalink.File, len(names))
	for i, name := range names {
		files[i] = payloadFile(name, w.secretURL("ok"))
	}
	w.document(format, files...)
}

// documentCommands are the meta4 commands that read --metalink, each
// given a document that it must refuse before acting.
var documentCommands = [][]string{
	{"--metalink=x.meta4", "file-download", destPath + "/"},
	{"--metalink=x.meta4", "files"},
	{"--metalink=x.meta4", "file-urls"},
	{"--metalink=x.meta4", "info", "--format=json"},
	{"--metalink=x.meta4", "checksums"},
	{"--metalink=x.meta4", "file-verify", destPath + "/keep.txt"},
	{"--metalink=new.meta4", "import-metalink", "x.meta4"},
}

func unsafeDocumentEntries() []any {
	var entries []any
	for _, format := range documentFormats {
		for _, unsafe := range unsafeNames {
			for _, args := range documentCommands {
				entries = append(entries, Entry(fmt.Sprintf("meta4 %s of a %s document naming %q", args[1], format, unsafe.names), hostileCase{
					setup: func(w *hostileWorld) (string, []string) {
						unsafeDocument(w, format, unsafe.names)
						return binary, args
					},
					want: unsafe.want,
				}))
			}
			for _, command := range []string{"show", "filter"} {
				entries = append(entries, Entry(fmt.Sprintf("meta4-repo %s of a repository whose %s document names %q", command, format, unsafe.names), hostileCase{
					setup: func(w *hostileWorld) (string, []string) {
						unsafeDocument(w, format, unsafe.names)
						Expect(os.Rename(filepath.Join(w.work, "x.meta4"), filepath.Join(w.work, "repo", "v1.0.0.meta4"))).To(Succeed())
						return repoBinary, []string{command, "file://" + filepath.Join(w.work, "repo")}
					},
					want: unsafe.want,
				}))
			}
		}
	}
	return entries
}

// hostileMirrors are behaviours of the site whose bytes must never become
// the file, each with what the refusal says.
var hostileMirrors = []struct{ behaviour, want string }{
	{"corrupt", "sha-256 mismatch"},
	{"html", "payload.tgz"},
	{"longer", "payload.tgz"},
	{"gzip", "payload.tgz"},
	{"range", "payload.tgz"},
	{"loop", "redirect"},
	{"tofile", "file:///etc/passwd"},
	{"404", "404"},
}

func hostileMirrorEntries() []any {
	var entries []any
	for _, format := range documentFormats {
		for _, mirror := range hostileMirrors {
			entries = append(entries, Entry(fmt.Sprintf("meta4 file-download from a %s mirror, %s document", mirror.behaviour, format), hostileCase{
				setup: func(w *hostileWorld) (string, []string) {
					w.document(format, payloadFile("payload.tgz", w.secretURL(mirror.behaviour)))
					return binary, []string{"--metalink=x.meta4", "file-download", destPath + "/"}
				},
				want: mirror.want,
			}))
		}
		entries = append(entries, Entry("meta4 file-download of an endless body, "+format+" document", hostileCase{
			setup: func(w *hostileWorld) (string, []string) {
				w.document(format, payloadFile("payload.tgz", w.extra.URL+"/endless/payload.tgz"))
				return binary, []string{"--metalink=x.meta4", "file-download", destPath + "/"}
			},
			want: "payload.tgz",
		}))
	}
	return entries
}

// hostileFTP are FTP servers whose bytes must never become the file: the
// server's file at path, with login the userinfo a document gives.
var hostileFTP = []struct {
	name, path, content, want string
	login                     string // the only login the server accepts; "" the document's
}{
	{"a missing file", "/pub/missing.tgz", "", "550", ""},
	{"a file longer than the document says", "/pub/payload.tgz", payload + "more", "size mismatch", ""},
	{"a file other than the document says", "/pub/payload.tgz", strings.ToUpper(payload), "sha-256 mismatch", ""},
	{"a login it refuses", "/pub/payload.tgz", payload, "530 Login incorrect", "someone:else"},
}

func hostileFTPEntries() []any {
	var entries []any
	for _, format := range documentFormats {
		for _, server := range hostileFTP {
			entries = append(entries, Entry(fmt.Sprintf("meta4 file-download from an FTP server with %s, %s document", server.name, format), hostileCase{
				setup: func(w *hostileWorld) (string, []string) {
					files := map[string][]byte{}
					if server.content != "" {
						files["/pub/payload.tgz"] = []byte(server.content)
					}
					ftp := ftpserver.Start(GinkgoT(), files)
					user, password, _ := strings.Cut(cmp.Or(server.login, "user:"+planted.Password), ":")
					ftp.SetLogin(user, password)
					w.document(format, payloadFile("payload.tgz", ftp.URL("user:"+planted.Password, server.path)))
					return binary, []string{"--metalink=x.meta4", "file-download", destPath + "/"}
				},
				want: server.want,
			}))
		}
	}
	return entries
}

// hostileS3 are S3 objects whose bytes must never become the file: the
// object at key (none when content is ""), fetched with env as the
// credentials. A wrong secret key is the planted password, which must
// not show.
var hostileS3 = []struct {
	name, content, want string
	env                 []string
}{
	{"a missing object", "", "not found (NoSuchKey", s3Credentials(s3server.AccessKey, s3server.SecretKey)},
	{"an object other than the document says", strings.ToUpper(payload), "sha-256 mismatch", s3Credentials(s3server.AccessKey, s3server.SecretKey)},
	{"an object longer than the document says", payload + "more", "size mismatch", s3Credentials(s3server.AccessKey, s3server.SecretKey)},
	// versitygw answers an unknown key with 404 XAdminUserNotFound (AWS: 403 InvalidAccessKeyId).
	{"an unknown access key", payload, "No user exists with the provided access key ID", s3Credentials("hostile-access-key", planted.Password)},
	{"a wrong secret key", payload, "access denied (SignatureDoesNotMatch", s3Credentials(s3server.AccessKey, planted.Password)},
	{"no credentials at all", payload, s3client.NoCredentials, nil},
}

func s3Credentials(accessKey, secretKey string) []string {
	return []string{"AWS_ACCESS_KEY_ID=" + accessKey, "AWS_SECRET_ACCESS_KEY=" + secretKey}
}

// hostileS3Entries download from a versitygw of their own: one start
// costs a few hundred milliseconds, and its data directory is a temporary
// directory of its own, outside the world's work directory.
func hostileS3Entries() []any {
	var entries []any
	for _, format := range documentFormats {
		for _, object := range hostileS3 {
			entries = append(entries, Entry(fmt.Sprintf("meta4 file-download from an S3 server with %s, %s document", object.name, format), hostileCase{
				setup: func(w *hostileWorld) (string, []string) {
					s3 := s3server.Start(GinkgoT(), "bucket")
					if object.content != "" {
						Expect(s3.Put(context.Background(), "bucket", "pub/payload.tgz", []byte(object.content))).To(Succeed())
					}
					w.env = object.env
					w.document(format, payloadFile("payload.tgz", s3.URL("bucket", "pub/payload.tgz")))
					return binary, []string{"--metalink=x.meta4", "file-download", "--disable-ssl", destPath + "/"}
				},
				want: object.want,
			}))
		}
	}
	return entries
}

// hostileDestinations are destinations that must not be written through.
var hostileDestinations = []struct {
	name    string
	prepare func(w *hostileWorld)
	file    string // the document's file name
	path    string // file-download's PATH
	want    string
}{
	{"a directory symlink leading out", func(w *hostileWorld) {
		Expect(os.Symlink("../../../outside", filepath.Join(w.work, destPath, "link"))).To(Succeed())
	}, "link/payload.tgz", destPath, "is a symlink that leads outside"},
	{"the file's own name a symlink leading out", func(w *hostileWorld) {
		Expect(os.Symlink("../../../outside/victim", filepath.Join(w.work, destPath, "payload.tgz"))).To(Succeed())
	}, "payload.tgz", destPath + "/", "is a symlink that leads outside"},
	{"a symlink to / on the way", func(w *hostileWorld) {
		Expect(os.Symlink("/", filepath.Join(w.work, destPath, "root"))).To(Succeed())
	}, "root/tmp/payload.tgz", destPath, "is a symlink that leads outside"},
	{"a file where a directory must be", func(w *hostileWorld) {}, "keep.txt/payload.tgz", destPath, "keep.txt is a file, not a directory"},
	{"a PATH ending in / that is a file", func(w *hostileWorld) {}, "payload.tgz", destPath + "/keep.txt/", "keep.txt/ is a file, not a directory"},
	{"a directory where the file must be", func(w *hostileWorld) {
		Expect(os.Mkdir(filepath.Join(w.work, destPath, "payload.tgz"), 0o755)).To(Succeed())
	}, "payload.tgz", destPath, "is a directory, not a file"},
}

func hostileDestinationEntries() []any {
	var entries []any
	for _, format := range documentFormats {
		for _, dest := range hostileDestinations {
			entries = append(entries, Entry(fmt.Sprintf("meta4 file-download to %s, %s document", dest.name, format), hostileCase{
				setup: func(w *hostileWorld) (string, []string) {
					dest.prepare(w)
					w.document(format, payloadFile(dest.file, w.secretURL("ok")))
					return binary, []string{"--metalink=x.meta4", "file-download", dest.path}
				},
				want: dest.want,
			}))
		}
	}
	return entries
}

// hostileReleases are GitHub API answers for tags, {url} standing for a
// download URL on the hostile site and {secret} for a URL with the planted
// password in its userinfo.
var hostileReleases = []struct{ tag, answer, want string }{
	{"dotdot", `{"assets":[{"name":"../../x.tgz","size":1,"browser_download_url":"{url}","digest":"sha256:{sha}"}]}`, `contains a ".." segment`},
	{"absolute", `{"assets":[{"name":"/etc/x.tgz","size":1,"browser_download_url":"{url}","digest":"sha256:{sha}"}]}`, "is an absolute path"},
	{"backslash", `{"assets":[{"name":"a\\b.tgz","size":1,"browser_download_url":"{url}","digest":"sha256:{sha}"}]}`, "contains a backslash"},
	{"empty", `{"assets":[{"name":"","size":1,"browser_download_url":"{url}","digest":"sha256:{sha}"}]}`, "it is empty"},
	{"reserved", `{"assets":[{"name":".resource/version","size":1,"browser_download_url":"{url}","digest":"sha256:{sha}"}]}`, "reserved"},
	{"short-digest", `{"assets":[{"name":"x.tgz","size":1,"browser_download_url":"{url}","digest":"sha256:abcd"}]}`, "x.tgz"},
	{"bad-digest", `{"assets":[{"name":"x.tgz","size":1,"browser_download_url":"{url}","digest":"sha256:` + strings.Repeat("zz", 32) + `"}]}`, "x.tgz"},
	{"userinfo", `{"assets":[{"name":"x.tgz","size":1,"browser_download_url":"{secret}","digest":"sha256:{sha}"}]}`, "browser_download_url"},
	{"file-url", `{"assets":[{"name":"x.tgz","size":1,"browser_download_url":"file:///etc/passwd","digest":"sha256:{sha}"}]}`, "browser_download_url"},
	{"no-url", `{"assets":[{"name":"x.tgz","size":1,"digest":"sha256:{sha}"}]}`, "browser_download_url"},
	{"conflict", `{"assets":[{"name":"x.tgz","size":1,"browser_download_url":"{url}","digest":"sha256:{sha}"},` +
		`{"name":"x.tgz","size":2,"browser_download_url":"{url}","digest":"sha256:{sha}"}]}`, "x.tgz"},
	{"not-json", `<html>Sign in</html>`, "acme/tool"},
	{"wrong-type", `{"assets":"all of them"}`, "acme/tool"},
	{"huge", ``, "acme/tool"},
}

func hostileReleaseEntries() []any {
	var entries []any
	for _, release := range hostileReleases {
		for _, extra := range [][]string{nil, {"--no-download"}} {
			entries = append(entries, Entry(fmt.Sprintf("meta4 import-github-release of a %s release %v", release.tag, extra), hostileCase{
				setup: func(w *hostileWorld) (string, []string) {
					w.github.Store(release.tag, strings.NewReplacer("{url}", w.site.FileURL("ok", "payload.tgz"),
						"{secret}", w.secretURL("ok"), "{sha}", sha256Hex(payload)).Replace(release.answer))
					return binary, append(append([]string{"--metalink=new.meta4", "import-github-release"}, extra...), "acme/tool", release.tag)
				},
				want: release.want,
			}))
		}
	}
	return entries
}

// hostileSums are checksum files import-checksums must refuse.
var hostileSums = []struct{ name, content, want string }{
	{"a name climbing out", "{sha}  ../../x.tgz\n", `contains a ".." segment`},
	{"an absolute name", "{sha}  /etc/x.tgz\n", "is an absolute path"},
	{"a reserved name", "{sha}  .resource/version\n", "reserved"},
	{"a BSD line climbing out", "SHA256 (../x.tgz) = {sha}\n", `contains a ".." segment`},
	{"a digest that is no hex", strings.Repeat("zz", 32) + "  x.tgz\n", "line 1"},
	{"a digest of no known length", "abcd  x.tgz\n", "line 1"},
	{"one name with two digests", "{sha}  x.tgz\n" + strings.Repeat("0", 64) + "  x.tgz\n", "x.tgz"},
	{"nothing", "", "holds no checksums"},
	{"binary garbage", "\x00\x01\x02\xff\xfe", "line 1"},
	{"a line too long", strings.Repeat("a", 1<<20), "longer than"},
}

func hostileSumsEntries() []any {
	var entries []any
	for _, sums := range hostileSums {
		for _, prefix := range []string{"{site}", "{secret}"} {
			entries = append(entries, Entry("meta4 import-checksums of "+sums.name+" at "+prefix, hostileCase{
				setup: func(w *hostileWorld) (string, []string) {
					filetree.Write(filepath.Join(w.work, "SHA256SUMS"), strings.ReplaceAll(sums.content, "{sha}", sha256Hex(payload)))
					url := strings.NewReplacer("{site}", w.site.URL+"/ok/", "{secret}", strings.TrimSuffix(w.secretURL("ok"), "payload.tgz")).Replace(prefix)
					return binary, []string{"--metalink=new.meta4", "import-checksums", "--url-prefix", url, "SHA256SUMS"}
				},
				want: sums.want,
			}))
		}
	}
	return entries
}

// hostileReads are wrong calls of the commands that print what a valid
// document says; a usage error exits 2.
var hostileReads = []struct {
	args  []string
	want  string
	usage bool
}{
	{[]string{"file-info", "--format=yaml"}, `invalid argument "yaml" for "--format" flag: expected text or json`, true},
	{[]string{"info", "--format=JSON"}, `invalid argument "JSON" for "--format" flag: expected text or json`, true},
	{[]string{"file-urls", "--format="}, `invalid argument "" for "--format" flag: expected text or json`, true},
	{[]string{"file-size", "--format=json"}, "unknown flag: --format", true},
	{[]string{"file-info", "extra"}, "accepts 0 arg(s), received 1", true},
	{[]string{"info", "extra"}, "accepts 0 arg(s), received 1", true},
	{[]string{"file-size", "extra"}, "accepts 0 arg(s), received 1", true},
	{[]string{"--file=missing.tgz", "file-info", "--format=json"}, `x.meta4 has no file "missing.tgz"`, false},
	{[]string{"--file=missing.tgz", "file-size"}, `x.meta4 has no file "missing.tgz"`, false},
	{[]string{"--file=missing.tgz", "file-urls", "--format=json"}, `x.meta4 has no file "missing.tgz"`, false},
}

func hostileReadEntries() []any {
	var entries []any
	for _, read := range hostileReads {
		entries = append(entries, Entry(fmt.Sprintf("meta4 %v", read.args), hostileCase{
			setup: func(w *hostileWorld) (string, []string) {
				w.document(formatMeta4, payloadFile("payload.tgz", w.secretURL("ok")))
				return binary, append([]string{"--metalink=x.meta4"}, read.args...)
			},
			want:  read.want,
			usage: read.usage,
		}))
	}
	return entries
}

// hostileEntries is the whole corpus, runHostileCase first, as
// DescribeTable takes it.
func hostileEntries() []any {
	entries := []any{runHostileCase}
	for _, part := range [][]any{unsafeDocumentEntries(), hostileMirrorEntries(), hostileFTPEntries(), hostileS3Entries(), hostileDestinationEntries(),
		hostileReleaseEntries(), hostileSumsEntries(), hostileReadEntries()} {
		entries = append(entries, part...)
	}
	return entries
}

var _ = Describe("the tools' hostile corpus", func() {
	DescribeTable("refuses, with one line, no secret and nothing written", hostileEntries()...)
})
