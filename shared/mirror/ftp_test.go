package mirror_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/mirror"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/ftpserver"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

// The account of the FTP server; the password must never be printed.
const (
	ftpUser     = "mirror"
	ftpPassword = "ftp-s3cret-pw"
)

// startFTP is an FTP server that takes only the mirror account.
func startFTP() *ftpserver.Server {
	server := ftpserver.Start(GinkgoT(), nil)
	server.SetLogin(ftpUser, ftpPassword)
	return server
}

// ftpTarget copies to dir/NAME on server with the mirror account.
func ftpTarget(server *ftpserver.Server, dir string) mirror.Target {
	return mirror.Target{Destination: server.URL(ftpUser+":"+ftpPassword, dir) + "/{{.Name}}", Priority: fixtures.Priority(3)}
}

// publicURL is what the metalink records for p: no userinfo.
func publicURL(server *ftpserver.Server, p string) string { return server.URL("", p) }

var _ = Describe("Run with an ftp destination", func() {
	var (
		server *ftpserver.Server
		app    []byte // enough that a STOR cut short fails while it streams
		origin *source
	)

	BeforeEach(func() {
		server = startFTP()
		app = fixtures.RandomBytes(3<<20+7, 9)
		origin = startSource(map[string][]byte{"app.tgz": app})
	})

	releaseFrom := func(dir string) request {
		doc := metalink.Metalink{Files: []metalink.File{described("app.tgz", app, origin.url(dir, "app.tgz"))}}
		return request{Metalink: doc, Targets: []mirror.Target{ftpTarget(server, "/pub/releases/1.0.0")}}
	}

	It("stores the file under its final name with only its bytes, and records the URL without the login", func() {
		result, log, err := run(releaseFrom("files"))
		Expect(err).NotTo(HaveOccurred())
		Expect(server.File("/pub/releases/1.0.0/app.tgz")).To(Equal(app))
		Expect(server.Names("/pub/releases/1.0.0")).To(Equal([]string{"app.tgz"}), "no temporary file is left")
		Expect(server.Count("STOR")).To(Equal(1))
		Expect(server.Logins()).To(HaveEach(ftpUser))
		Expect(result.Metalink.Files[0].URLs).To(Equal([]metalink.URL{
			{URL: origin.url("files", "app.tgz")},
			{URL: publicURL(server, "/pub/releases/1.0.0/app.tgz"), Priority: fixtures.Priority(3)},
		}))
		Expect(result.Copied).To(Equal(1))
		Expect(log).To(ContainSubstring("app.tgz: copied to " + publicURL(server, "/pub/releases/1.0.0/app.tgz")))
		Expect(log).NotTo(ContainSubstring(ftpPassword))
	})

	It("does not store an identical file again: it reads the copy back and finds the same hash", func() {
		_, _, err := run(releaseFrom("files"))
		Expect(err).NotTo(HaveOccurred())
		requests := origin.hits.Load()

		result, log, err := run(releaseFrom("files"))
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Copied).To(BeZero())
		Expect(result.Present).To(Equal(1))
		Expect(server.Count("STOR")).To(Equal(1), "the second run stored nothing")
		Expect(server.Count("RETR")).To(Equal(1), "the copy was read back once")
		Expect(origin.hits.Load()).To(Equal(requests), "the source was read again")
		Expect(log).To(ContainSubstring("app.tgz: " + publicURL(server, "/pub/releases/1.0.0/app.tgz") + " already holds it"))
		Expect(result.Metalink.Files[0].URLs).To(HaveLen(2))
	})

	It("never replaces a file whose bytes differ, reading back only one of the same size", func() {
		_, _, err := run(releaseFrom("files"))
		Expect(err).NotTo(HaveOccurred())
		other := fixtures.RandomBytes(len(app), 10)
		server.Put("/pub/releases/1.0.0/app.tgz", other)

		_, _, err = run(releaseFrom("files"))
		Expect(err).To(MatchError(ContainSubstring("/pub/releases/1.0.0/app.tgz already holds other bytes (sha-512 ")))
		Expect(server.File("/pub/releases/1.0.0/app.tgz")).To(Equal(other), "left as it was")
		Expect(server.Names("/pub/releases/1.0.0")).To(Equal([]string{"app.tgz"}), "no temporary left")
		Expect(server.Count("RETR")).To(Equal(1))

		server.Put("/pub/releases/1.0.0/app.tgz", []byte("short"))
		_, _, err = run(releaseFrom("files"))
		Expect(err).To(MatchError(ContainSubstring("/pub/releases/1.0.0/app.tgz already holds other bytes (5 bytes, not ")))
		Expect(server.Count("RETR")).To(Equal(1), "a copy of another size is not read")
		Expect(server.File("/pub/releases/1.0.0/app.tgz")).To(Equal([]byte("short")))
	})

	It("logs in anonymously when the URL has no userinfo", func() {
		anonymous := ftpserver.Start(GinkgoT(), nil)
		req := releaseFrom("files")
		req.Targets = []mirror.Target{{Destination: anonymous.URL("", "/incoming/{{.Name}}")}}
		_, _, err := run(req)
		Expect(err).NotTo(HaveOccurred())
		Expect(anonymous.File("/incoming/app.tgz")).To(Equal(app))
		Expect(anonymous.Logins()).To(HaveEach("anonymous"))
	})

	It("stores nothing from a corrupt source and deletes its temporary file", func() {
		_, log, err := run(releaseFrom("corrupt"))
		Expect(err).To(MatchError(ContainSubstring("sha-512 mismatch")))
		Expect(server.Names("/pub/releases/1.0.0")).To(BeEmpty())
		Expect(server.Count("STOR")).To(Equal(1))
		Expect(server.Count("DELE")).To(Equal(1))
		Expect(server.Count("RNTO")).To(BeZero())
		Expect(err.Error() + log).NotTo(ContainSubstring(ftpPassword))
	})

	It("fails a STOR the server aborts part-way, naming the URL without the login, and leaves no file", func() {
		server.FailStorAfter(64 << 10)
		_, log, err := run(releaseFrom("files"))
		Expect(err).To(MatchError(ContainSubstring(
			"put " + publicURL(server, "/pub/releases/1.0.0/app.tgz") + ": ftp stor: 451 Transfer aborted")))
		Expect(server.Names("/pub/releases/1.0.0")).To(BeEmpty(), "the part stored is deleted")
		Expect(server.Count("DELE")).To(Equal(1))
		Expect(err.Error() + log).NotTo(ContainSubstring(ftpPassword))
		Expect(err.Error()).NotTo(ContainSubstring(ftpUser + ":"))
	})

	It("fails when the server refuses the rename, and deletes the temporary file", func() {
		server.RefuseRename()
		_, _, err := run(releaseFrom("files"))
		Expect(err).To(MatchError(ContainSubstring(
			"put " + publicURL(server, "/pub/releases/1.0.0/app.tgz") + ": ftp rename: 553 rename refused")))
		Expect(server.Names("/pub/releases/1.0.0")).To(BeEmpty())
		Expect(err.Error()).NotTo(ContainSubstring(ftpPassword))
	})

	It("refuses a wrong password without printing it", func() {
		req := releaseFrom("files")
		req.Targets = []mirror.Target{{Destination: server.URL(ftpUser+":wrong-pw-9", "/pub/{{.Name}}")}}
		_, log, err := run(req)
		Expect(err).To(MatchError(ContainSubstring("check " + publicURL(server, "/pub/app.tgz") + ": ftp login: 530 Login incorrect.")))
		Expect(err.Error() + log).NotTo(ContainSubstring("wrong-pw-9"))
		Expect(server.Names("/")).To(BeEmpty())
	})

	It("deletes its temporary file in a new session when the run is cancelled mid-transfer", func(ctx SpecContext) {
		half := len(app) / 2
		stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(app)))
			_, _ = w.Write(app[:half])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}))
		DeferCleanup(stalled.Close)
		doc := metalink.Metalink{Files: []metalink.File{described("app.tgz", app, stalled.URL+"/app.tgz")}}
		handlers, err := urlhandlers.Compile("source.url_handlers", nil, network.Default())
		Expect(err).NotTo(HaveOccurred())
		plan, err := mirror.Compile([]mirror.Target{ftpTarget(server, "/pub")}, mirrorFileKeys, handlers)
		Expect(err).NotTo(HaveOccurred())

		runCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := mirror.Run(runCtx, plan, mirror.Request{Metalink: doc})
			done <- err
		}()
		Eventually(func() []string { return server.Names("/pub") }).WithTimeout(10*time.Second).ShouldNot(BeEmpty(), "the STOR has begun")
		cancel()
		var runErr error
		Eventually(done).WithTimeout(10 * time.Second).Should(Receive(&runErr))
		Expect(runErr).To(MatchError(context.Canceled))
		Eventually(func() []string { return server.Names("/pub") }).WithTimeout(5 * time.Second).Should(BeEmpty())
		Expect(server.Count("DELE")).To(Equal(1))
	})
})

var _ = Describe("Run for a generated file with an ftp destination", func() {
	var (
		server *ftpserver.Server
		app    []byte
		path   string
	)

	BeforeEach(func() {
		server = startFTP()
		app = fixtures.RandomBytes(1<<20+3, 11)
		path = writeLocal("app.tgz", app)
	})

	generatedTo := func(destination string) request {
		return request{
			Metalink: generated("2.0.0", path), Local: []string{path},
			Targets: []mirror.Target{{Destination: server.URL(ftpUser+":"+ftpPassword, destination)}},
		}
	}

	It("stages the copy beside the hash-named directory and renames it there, leaving nothing else", func() {
		counted := countReads()
		req := generatedTo("/releases/{{.SHA256}}/{{.Name}}")
		req.Open = counted.open
		result, log, err := run(req)
		Expect(err).NotTo(HaveOccurred())
		Expect(counted.of(path).Opens).To(Equal(1))
		final := "/releases/" + allHashes(app)[1].Hash + "/app.tgz"
		Expect(server.File(final)).To(Equal(app))
		Expect(server.Names("/releases")).To(Equal([]string{allHashes(app)[1].Hash}), "no temporary file is left")
		Expect(server.Commands()).To(ContainElement(HavePrefix("STOR /releases/.metalink-upload-")))
		Expect(result.Metalink.Files[0].Hashes).To(Equal(allHashes(app)))
		Expect(result.Metalink.Files[0].URLs).To(Equal([]metalink.URL{{URL: publicURL(server, final)}}))
		Expect(log).NotTo(ContainSubstring(ftpPassword))
	})

	It("only deletes the staged copy when the destination holds the file already", func() {
		_, _, err := run(generatedTo("/releases/{{.Name}}"))
		Expect(err).NotTo(HaveOccurred())
		result, log, err := run(generatedTo("/releases/{{.Name}}"))
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Present).To(Equal(1))
		Expect(log).To(ContainSubstring("already holds it"))
		Expect(server.Count("RNTO")).To(Equal(1), "the second run renamed nothing")
		Expect(server.Names("/releases")).To(Equal([]string{"app.tgz"}))
		Expect(server.File("/releases/app.tgz")).To(Equal(app))
	})

	It("leaves no staged file and no final file when the STOR is aborted", func() {
		server.FailStorAfter(1000)
		_, log, err := run(generatedTo("/releases/{{.SHA256}}/{{.Name}}"))
		Expect(err).To(MatchError(ContainSubstring("ftp stor: 451 Transfer aborted")))
		// The staged copy or, once placed, the destination.
		Expect(err).To(MatchError(ContainSubstring("put " + publicURL(server, "/releases/"))))
		Expect(server.Names("/releases")).To(BeEmpty())
		Expect(err.Error() + log).NotTo(ContainSubstring(ftpPassword))
	})
})
