package meta4cmd_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/armored"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/ftpserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/tlsca"
)

// releaseFile is what the download server serves at /files/NAME; /corrupt/NAME
// serves as many wrong bytes.
var releaseFile = strings.Repeat("the real release bytes\n", 50000)

func startDownloads() *httptest.Server {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/files/"):
			_, _ = w.Write([]byte(releaseFile))
		case strings.HasPrefix(r.URL.Path, "/corrupt/"):
			_, _ = w.Write(bytes.Repeat([]byte("X"), len(releaseFile)))
		default:
			http.NotFound(w, r)
		}
	}))
	DeferCleanup(server.Close)
	return server
}

// strongHash matches the hash a document with both sha-256 and sha-512 is
// verified by: the one faster on the CPU running the test.
const strongHash = `sha-(256|512)`

// describedRelease is a tool whose document describes releaseFile as
// app.tgz (size, four hashes), built from a local copy.
func describedRelease(env ...string) clitest.Tool {
	tool := newTool(env...)
	filetree.Write(at(tool, "build/app.tgz"), releaseFile)
	tool.Succeed("import-file", "--version", "1.0.0", "build/app.tgz")
	return tool
}

var _ = Describe("file-download and file-verify", func() {
	var downloads *httptest.Server

	BeforeEach(func() { downloads = startDownloads() })

	It("downloads to PATH, verified, with progress and results on stderr", func() {
		tool := describedRelease()
		tool.Succeed("file-set-url", downloads.URL+"/files/app.tgz")
		r := tool.Run("file-download", "out/app.tgz")
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(filetree.Read(at(tool, "out/app.tgz"))).To(Equal(releaseFile))
		Expect(r.Stdout).To(BeEmpty())
		Expect(r.Stderr).To(MatchRegexp(`app.tgz: ` + strongHash + ` ok`))
		Expect(r.Stderr).To(MatchRegexp(`app.tgz: 1.1 MiB / 1.1 MiB \(100%\) [0-9.]+ [KMG]iB/s`))
	})

	It("downloads into PATH when it is a directory, under the file's name", func() {
		tool := describedRelease()
		tool.Succeed("file-set-url", downloads.URL+"/files/app.tgz")
		Expect(os.Mkdir(at(tool, "dl"), 0o755)).To(Succeed())
		tool.Succeed("--metalink-file=metalink.meta4", "--file=app.tgz", "file-download", "dl")
		Expect(filetree.Read(at(tool, "dl/app.tgz"))).To(Equal(releaseFile))
	})

	It("leaves a corrupt mirror for the next URL", func() {
		tool := describedRelease()
		tool.Succeed("file-set-url", "--priority", "1", downloads.URL+"/corrupt/app.tgz")
		tool.Succeed("file-set-url", "--priority", "2", downloads.URL+"/files/app.tgz")
		r := tool.Run("file-download", "app-copy.tgz")
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stderr).To(MatchRegexp(regexp.QuoteMeta(downloads.URL+"/corrupt/app.tgz failed: ") + strongHash + " mismatch"))
		Expect(filetree.Read(at(tool, "app-copy.tgz"))).To(Equal(releaseFile))
	})

	It("refuses a corrupt mirror and leaves nothing under the final name", func() {
		tool := describedRelease()
		tool.Succeed("file-set-url", downloads.URL+"/corrupt/app.tgz")
		Expect(os.Mkdir(at(tool, "dl"), 0o755)).To(Succeed())
		line := tool.Fail("file-download", "dl/app.tgz")
		Expect(line).To(MatchRegexp("^" + regexp.QuoteMeta("meta4 file-download: download app.tgz: "+downloads.URL+"/corrupt/app.tgz: ") + strongHash + " mismatch: expected "))
		Expect(entries(at(tool, "dl"))).To(BeEmpty())
	})

	Describe("without --file, of a document of several files", func() {
		// release is a tool whose document has three files of releaseFile's
		// bytes, one in a sub-directory, at url(name).
		release := func(url func(name string) string) clitest.Tool {
			tool := newTool()
			filetree.Write(at(tool, "build/app.tgz"), releaseFile)
			for _, name := range []string{"app-linux.tgz", "app-darwin.tgz", "docs/app.pdf"} {
				tool.Succeed("--file", name, "import-file", "build/app.tgz")
				tool.Succeed("--file", name, "file-set-url", url(name))
			}
			return tool
		}

		It("downloads them all into the directory PATH, each under its own name", func() {
			tool := release(func(name string) string { return downloads.URL + "/files/" + name })
			r := tool.Run("file-download", "dl")
			Expect(r.Code).To(Equal(0), r.Stderr)
			for _, name := range []string{"app-linux.tgz", "app-darwin.tgz", "docs/app.pdf"} {
				Expect(filetree.Read(at(tool, "dl/"+name))).To(Equal(releaseFile), name)
				Expect(r.Stderr).To(MatchRegexp(regexp.QuoteMeta(name) + `: ` + strongHash + ` ok`))
			}
			Expect(entries(at(tool, "dl"))).To(ConsistOf("app-linux.tgz", "app-darwin.tgz", "docs"), "no stage left behind")
		})

		It("moves none to its name when one fails, and names it", func() {
			tool := release(func(name string) string {
				if name == "app-darwin.tgz" {
					return downloads.URL + "/corrupt/" + name
				}
				return downloads.URL + "/files/" + name
			})
			line := tool.Fail("file-download", "dl/")
			Expect(line).To(HavePrefix("meta4 file-download: download app-darwin.tgz: "))
			Expect(entries(at(tool, "dl"))).To(BeEmpty())
		})

		It("downloads only the one --file names", func() {
			tool := release(func(name string) string { return downloads.URL + "/files/" + name })
			tool.Succeed("--file", "docs/app.pdf", "file-download", "dl/")
			Expect(entries(at(tool, "dl"))).To(ConsistOf("docs"))
			Expect(entries(at(tool, "dl/docs"))).To(ConsistOf("app.pdf"))
		})
	})

	It("verifies a local file, and names the mismatch of one that differs", func() {
		tool := describedRelease()
		r := tool.Run("file-verify", "build/app.tgz")
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stderr).To(MatchRegexp(`app.tgz: size 1150000 bytes ok\napp.tgz: ` + strongHash + ` ok`))
		filetree.Write(at(tool, "other.tgz"), strings.ToUpper(releaseFile))
		Expect(tool.Fail("file-verify", "other.tgz")).To(MatchRegexp(
			`^meta4 file-verify: verify app.tgz: file:///.*/other.tgz: ` + strongHash + ` mismatch: expected [0-9a-f]+, got [0-9a-f]+$`))
		Expect(tool.Fail("file-verify", "--skip-hash-verification", "missing.tgz")).To(ContainSubstring("no such file"))
	})

	It("says which flag downloads a file whose hashes are all of unknown types", func() {
		tool := newTool()
		filetree.Write(at(tool, "metalink.meta4"), `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="app.tgz">`+
			`<hash type="sha3-256">ab</hash><url>`+downloads.URL+`/files/app.tgz</url></file></metalink>`)
		Expect(tool.Fail("file-download", "out.tgz")).To(HaveSuffix(
			"; set --skip-hash-verification to download it unverified"))
		tool.Succeed("file-download", "--skip-hash-verification", "out.tgz")
	})

	Describe("over https from a server of a private CA", func() {
		var (
			ca   *tlsca.CA
			tool clitest.Tool
		)

		BeforeEach(func() {
			ca = tlsca.New(GinkgoT(), "meta4 test CA")
			server := ca.StartServer(GinkgoT(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(releaseFile))
			}))
			tool = describedRelease()
			tool.Succeed("file-set-url", server.URL+"/files/app.tgz")
			filetree.Write(at(tool, "ca.pem"), ca.PEM)
		})

		It("refuses it with the system's trust alone", func() {
			Expect(tool.Fail("file-download", "out.tgz")).To(ContainSubstring("certificate signed by unknown authority"))
		})

		It("downloads it with --ca-cert, and logs each request with --debug", func() {
			r := tool.Run("file-download", "--ca-cert", "ca.pem", "--debug", "out.tgz")
			Expect(r.Code).To(Equal(0), r.Stderr)
			Expect(filetree.Read(at(tool, "out.tgz"))).To(Equal(releaseFile))
			Expect(r.Stderr).To(MatchRegexp(`debug: GET https://127\.0\.0\.1:\d+/files/app\.tgz: 200, %d bytes, `, len(releaseFile)))
		})

		It("downloads it with --skip-ssl-verification, which warns once", func() {
			r := tool.Run("file-download", "--skip-ssl-verification", "out.tgz")
			Expect(r.Code).To(Equal(0), r.Stderr)
			Expect(strings.Count(r.Stderr, "warning: --skip-ssl-verification is on")).To(Equal(1), r.Stderr)
		})

		It("names a --ca-cert file that holds no certificate", func() {
			filetree.Write(at(tool, "key.pem"), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n")
			Expect(tool.Fail("file-download", "--ca-cert", "ca.pem", "--ca-cert", "key.pem", "out.tgz")).To(Equal(
				"meta4 file-download: --ca-cert key.pem: block 1 is a private key, not a certificate"))
		})
	})

	Describe("signatures", Ordered, func() {
		var key *openpgp.Entity
		BeforeAll(func() {
			var err error
			key, err = openpgp.NewEntity("Release Signer", "", "signer@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
			Expect(err).NotTo(HaveOccurred())
		})

		It("checks a signature against --signature-trust-store, and asks for one", func() {
			tool := describedRelease()
			tool.Succeed("file-set-url", downloads.URL+"/files/app.tgz")
			var signature bytes.Buffer
			Expect(openpgp.ArmoredDetachSign(&signature, key, strings.NewReader(releaseFile), nil)).To(Succeed())
			filetree.Write(at(tool, "app.tgz.asc"), signature.String())
			tool.Succeed("file-set-signature", "application/pgp-signature", "app.tgz.asc")
			filetree.Write(at(tool, "keys.asc"), armored.PublicKey(key))

			r := tool.Run("file-download", "--signature-trust-store", "keys.asc", "ok.tgz")
			Expect(r.Code).To(Equal(0), r.Stderr)
			Expect(r.Stderr).To(MatchRegexp(`ok.tgz: pgp signature by [0-9A-F]+.* Release Signer.* ok`))
			Expect(tool.Fail("file-download", "no-store.tgz")).To(Equal("meta4 file-download: download no-store.tgz: " +
				"the file has a pgp signature but no --signature-trust-store is configured; configure it or set --skip-signature-verification"))
			tool.Succeed("file-download", "--skip-signature-verification", "skipped.tgz")
			Expect(filetree.Read(at(tool, "skipped.tgz"))).To(Equal(releaseFile))
		})
	})
})

var _ = Describe("file-upload", func() {
	It("copies to a file:// URL, verified, records it, and does not copy an identical file again", func() {
		tool := describedRelease()
		dest := filepath.Join(GinkgoT().TempDir(), "mirror", "app-1.0.0.tgz")
		r := tool.Run("file-upload", "--priority", "5", "build/app.tgz", "file://"+dest)
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stderr).To(ContainSubstring("app.tgz: copied to file://" + dest))
		Expect(filetree.Read(dest)).To(Equal(releaseFile))
		f := document(at(tool, "metalink.meta4")).Files[0]
		Expect(f.URLs).To(HaveLen(1))
		Expect(f.URLs[0].URL).To(Equal("file://" + dest))
		Expect(*f.URLs[0].Priority).To(BeEquivalentTo(5))

		info, err := os.Stat(dest)
		Expect(err).NotTo(HaveOccurred())
		r = tool.Run("file-upload", "build/app.tgz", "file://"+dest)
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(r.Stderr).To(ContainSubstring("already holds it"))
		again, err := os.Stat(dest)
		Expect(err).NotTo(HaveOccurred())
		Expect(again.ModTime()).To(Equal(info.ModTime()))
		Expect(document(at(tool, "metalink.meta4")).Files[0].URLs).To(HaveLen(1))
	})

	It("refuses a local file whose bytes differ from the file's hashes, copying nothing", func() {
		tool := describedRelease()
		filetree.Write(at(tool, "build/app.tgz"), strings.ToUpper(releaseFile))
		dest := filepath.Join(GinkgoT().TempDir(), "app.tgz")
		Expect(tool.Fail("file-upload", "build/app.tgz", "file://"+dest)).To(MatchRegexp(strongHash + " mismatch"))
		Expect(dest).NotTo(BeAnExistingFile())
		Expect(entries(filepath.Dir(dest))).To(BeEmpty())
		Expect(document(at(tool, "metalink.meta4")).Files[0].URLs).To(BeEmpty())
	})

	It("gives a file without hashes its size and hashes from the upload's one read", func() {
		tool := newTool()
		filetree.Write(at(tool, "a.bin"), "some bytes")
		tool.Succeed("add-file", "a.bin")
		dest := filepath.Join(GinkgoT().TempDir(), "a.bin")
		tool.Succeed("file-upload", "a.bin", "file://"+dest)
		f := document(at(tool, "metalink.meta4")).Files[0]
		Expect(f.Size).To(BeEquivalentTo(10))
		Expect(f.Hashes).To(ConsistOf(allHashes("some bytes")))
		Expect(filetree.Read(dest)).To(Equal("some bytes"))
	})

	It("names the schemes it takes, without the userinfo of a URI it refuses", func() {
		tool := describedRelease()
		Expect(tool.Fail("file-upload", "build/app.tgz", "sftp://me:hunter2-pw@host/app.tgz")).To(Equal(
			`meta4 file-upload: URI "sftp://[redacted]@host/app.tgz": expected an s3://, file:// or ftp:// URL`))
	})

	It("names a URI it cannot write to, without its userinfo, and takes it literally", func() {
		tool := describedRelease()
		line := tool.Fail("file-upload", "build/app.tgz", "ftp://me:hunter2-pw@host")
		Expect(line).To(Equal(`meta4 file-upload: URI: destination "ftp://[redacted]@host": ftp URL has no file path`))
		Expect(line).NotTo(ContainSubstring("hunter2"))
		Expect(tool.Fail("file-upload", "build/app.tgz", "s3://host")).To(HavePrefix(`meta4 file-upload: URI: s3 url "s3://host": `))
		dest := filepath.Join(GinkgoT().TempDir(), "{{.Name}}")
		tool.Succeed("file-upload", "build/app.tgz", "file://"+dest)
		Expect(filetree.Read(dest)).To(Equal(releaseFile))
	})

	Describe("to FTP", func() {
		const password = "ftp-upload-s3cret"
		var server *ftpserver.Server

		BeforeEach(func() {
			server = ftpserver.Start(GinkgoT(), nil)
			server.SetLogin("uploader", password)
		})

		// noPassword checks every output of a run and the document.
		noPassword := func(tool clitest.Tool, r clitest.Result) {
			GinkgoHelper()
			Expect(r.Stdout + r.Stderr).NotTo(ContainSubstring(password))
			Expect(filetree.Read(at(tool, "metalink.meta4"))).NotTo(ContainSubstring(password))
		}

		It("stores the bytes, records the URL without the login, and does not store an identical file again", func() {
			tool := describedRelease()
			dest := server.URL("uploader:"+password, "/dir/app-1.0.0.tgz")
			r := tool.Run("file-upload", "--location", "de", "build/app.tgz", dest)
			Expect(r.Code).To(Equal(0), r.Stderr)
			Expect(server.File("/dir/app-1.0.0.tgz")).To(Equal([]byte(releaseFile)))
			Expect(server.Names("/dir")).To(Equal([]string{"app-1.0.0.tgz"}))
			recorded := server.URL("", "/dir/app-1.0.0.tgz")
			Expect(r.Stderr).To(ContainSubstring("app.tgz: copied to " + recorded))
			f := document(at(tool, "metalink.meta4")).Files[0]
			Expect(f.URLs).To(HaveLen(1))
			Expect(f.URLs[0].URL).To(Equal(recorded))
			Expect(f.URLs[0].Location).To(Equal("de"))
			noPassword(tool, r)

			r = tool.Run("file-upload", "--location", "de", "build/app.tgz", dest)
			Expect(r.Code).To(Equal(0), r.Stderr)
			Expect(r.Stderr).To(ContainSubstring("app.tgz: " + recorded + " already holds it"))
			Expect(server.Count("STOR")).To(Equal(1))
			Expect(document(at(tool, "metalink.meta4")).Files[0].URLs).To(HaveLen(1))
			noPassword(tool, r)
		})

		It("gives a file without hashes its hashes from the one read that uploads it", func() {
			tool := newTool()
			filetree.Write(at(tool, "a.bin"), "some bytes")
			tool.Succeed("add-file", "a.bin")
			r := tool.Run("file-upload", "a.bin", server.URL("uploader:"+password, "/new/dir/a.bin"))
			Expect(r.Code).To(Equal(0), r.Stderr)
			Expect(server.File("/new/dir/a.bin")).To(Equal([]byte("some bytes")))
			Expect(server.Names("/new/dir")).To(Equal([]string{"a.bin"}), "no temporary file is left")
			f := document(at(tool, "metalink.meta4")).Files[0]
			Expect(f.Hashes).To(ConsistOf(allHashes("some bytes")))
			Expect(f.URLs[0].URL).To(Equal(server.URL("", "/new/dir/a.bin")))
			noPassword(tool, r)
		})

		It("fails a STOR the server aborts, naming the URL without the login, and stores and records nothing", func() {
			server.FailStorAfter(4096)
			tool := describedRelease()
			r := tool.Run("file-upload", "build/app.tgz", server.URL("uploader:"+password, "/dir/app.tgz"))
			Expect(r.FailedLine()).To(HavePrefix("meta4 file-upload: mirror app.tgz: put " + server.URL("", "/dir/app.tgz") + ": ftp stor: 451 "))
			Expect(server.Names("/dir")).To(BeEmpty())
			Expect(document(at(tool, "metalink.meta4")).Files[0].URLs).To(BeEmpty())
			noPassword(tool, r)
		})
	})

	Describe("to S3", Ordered, func() {
		var s3 *s3server.Server
		BeforeAll(func() { s3 = s3server.Start(GinkgoT(), "mirror") })

		credentials := func() []string {
			return []string{"AWS_ACCESS_KEY_ID=" + s3server.AccessKey, "AWS_SECRET_ACCESS_KEY=" + s3server.SecretKey}
		}

		It("uploads with the default credential chain, records the s3:// URL, skips an identical object, and downloads it back", func() {
			tool := describedRelease(credentials()...)
			dest := s3.URL("mirror", "releases/v1.0.0/app.tgz")
			r := tool.Run("file-upload", "--disable-ssl", "--location", "us", "build/app.tgz", dest)
			Expect(r.Code).To(Equal(0), r.Stderr)
			Expect(filetree.Read(filepath.Join(s3.Dir, "mirror", "releases", "v1.0.0", "app.tgz"))).To(Equal(releaseFile))
			f := document(at(tool, "metalink.meta4")).Files[0]
			Expect(f.URLs).To(HaveLen(1))
			Expect(f.URLs[0].URL).To(Equal(dest))
			Expect(f.URLs[0].Location).To(Equal("us"))

			r = tool.Run("file-upload", "--disable-ssl", "--location", "us", "build/app.tgz", dest)
			Expect(r.Code).To(Equal(0), r.Stderr)
			Expect(r.Stderr).To(ContainSubstring("app.tgz: " + dest + " already holds it"))

			r = tool.Run("file-download", "--disable-ssl", "downloaded.tgz")
			Expect(r.Code).To(Equal(0), r.Stderr)
			Expect(filetree.Read(at(tool, "downloaded.tgz"))).To(Equal(releaseFile))
			Expect(r.Stdout + r.Stderr).NotTo(ContainSubstring(s3server.SecretKey))
		})

		It("sends the upload options of its flags with the object", func() {
			recorder := s3server.StartRecorder(GinkgoT(), s3)
			tool := describedRelease(credentials()...)
			dest := recorder.URL("mirror", "releases/sse/app.tgz")
			r := tool.Run("file-upload", "--disable-ssl", "--server-side-encryption", "AES256", "--storage-class", "STANDARD_IA",
				"--acl", "bucket-owner-full-control", "--use-path-style", "true", "build/app.tgz", dest)
			Expect(r.Code).To(Equal(0), r.Stderr)
			var creates []s3server.Request
			for _, req := range recorder.Requests() {
				if req.Method == http.MethodPut || (req.Method == http.MethodPost && req.Query.Has("uploads")) {
					creates = append(creates, req)
				}
			}
			Expect(creates).NotTo(BeEmpty())
			for _, req := range creates {
				Expect(req.Header.Get("X-Amz-Server-Side-Encryption")).To(Equal("AES256"), req.Path)
				Expect(req.Header.Get("X-Amz-Storage-Class")).To(Equal("STANDARD_IA"), req.Path)
				Expect(req.Header.Get("X-Amz-Acl")).To(Equal("bucket-owner-full-control"), req.Path)
			}
		})

		DescribeTable("refuses a bad upload option naming its flag, before any request",
			func(args []string, want string) {
				tool := describedRelease(credentials()...)
				r := tool.Run(append(append([]string{"file-upload", "--disable-ssl"}, args...), "build/app.tgz", s3.URL("mirror", "never/app.tgz"))...)
				Expect(r.FailedLine()).To(HavePrefix("meta4 file-upload: " + want))
				Expect(filepath.Join(s3.Dir, "mirror", "never")).NotTo(BeADirectory())
			},
			Entry("an unknown storage class", []string{"--storage-class", "COLD"}, `--storage-class "COLD": expected one of STANDARD, `),
			Entry("a storage class in the wrong case", []string{"--storage-class", "standard_ia"}, `--storage-class "standard_ia": expected one of `),
			Entry("an unknown encryption", []string{"--server-side-encryption", "rot13"},
				`--server-side-encryption "rot13": expected one of AES256, aws:kms, aws:kms:dsse`),
			Entry("an unknown ACL", []string{"--acl", "owner"}, `--acl "owner": expected one of private, `),
			Entry("a KMS key without KMS", []string{"--sse-kms-key-id", "key-1"}, "--sse-kms-key-id needs --server-side-encryption aws:kms or aws:kms:dsse"),
			Entry("a KMS key with SSE-S3", []string{"--server-side-encryption", "AES256", "--sse-kms-key-id", "key-1"},
				"--sse-kms-key-id needs --server-side-encryption aws:kms"),
			Entry("a path style that is no boolean", []string{"--use-path-style", "maybe"}, `--use-path-style "maybe": expected true or false`),
		)

		It("says that no credentials were found and where they were looked for, without the SDK's own warnings", func() {
			// An instance metadata service that refuses IMDSv2 tokens, as old ones
			// do, makes the SDK log "falling back to IMDSv1" on its own.
			imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPut {
					http.Error(w, "forbidden", http.StatusForbidden)
					return
				}
				http.NotFound(w, r)
			}))
			DeferCleanup(imds.Close)
			tool := describedRelease("AWS_EC2_METADATA_DISABLED=false", "AWS_EC2_METADATA_SERVICE_ENDPOINT="+imds.URL)
			r := tool.Run("file-upload", "--disable-ssl", "build/app.tgz", s3.URL("mirror", "anonymous/app.tgz"))
			Expect(r.FailedLine()).To(HaveSuffix(": no AWS credentials were found, so the request was anonymous " +
				"(looked for AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the profile of AWS_PROFILE in ~/.aws/credentials " +
				"and ~/.aws/config, AWS_WEB_IDENTITY_TOKEN_FILE, a container role and an instance role)"))
			Expect(r.Stderr).NotTo(ContainSubstring("IMDS"))
			Expect(strings.Count(r.Stderr, "\n")).To(Equal(1), r.Stderr)
		})

		It("fails without credentials, naming the destination, and prints no secret", func() {
			tool := describedRelease("AWS_ACCESS_KEY_ID="+s3server.AccessKey, "AWS_SECRET_ACCESS_KEY=wrong-secret-key")
			r := tool.Run("file-upload", "--disable-ssl", "build/app.tgz", s3.URL("mirror", "denied/app.tgz"))
			Expect(r.FailedLine()).To(ContainSubstring(s3.URL("mirror", "denied/app.tgz")))
			Expect(r.Stderr).NotTo(ContainSubstring("wrong-secret-key"))
			Expect(filepath.Join(s3.Dir, "mirror", "denied")).NotTo(BeADirectory())
		})
	})
})
