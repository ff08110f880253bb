package mirror_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/mirror"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

var _ = Describe("Run with S3 and file destinations", func() {
	var (
		s3      store
		big     []byte // several parts
		small   []byte // one PutObject
		origin  *source
		out     string
		targets []mirror.Target
	)

	BeforeEach(func() {
		s3 = startStore()
		big, small = fixtures.RandomBytes(12<<20+5, 3), []byte("small file")
		origin = startSource(map[string][]byte{"big.tgz": big, "small.txt": small})
		out = GinkgoT().TempDir()
		targets = []mirror.Target{
			{Destination: s3.url("releases/{{.Version}}/{{.Name}}"), Priority: fixtures.Priority(1)},
			{Destination: "file://" + out + "/{{.Name}}", Priority: fixtures.Priority(2)},
		}
	})

	releaseFrom := func(dir string) metalink.Metalink {
		return metalink.Metalink{Files: []metalink.File{
			described("big.tgz", big, origin.url(dir, "big.tgz")),
			described("small.txt", small, origin.url(dir, "small.txt")),
		}}
	}

	It("copies every file, large ones in parts, and records s3:// URLs", func() {
		result, _, err := run(request{Metalink: releaseFrom("files"), Targets: targets, Handlers: s3.handlers()})
		Expect(err).NotTo(HaveOccurred())
		content, metadata, ok := s3.object("releases/1.0.0/big.tgz")
		Expect(ok).To(BeTrue())
		Expect(content).To(Equal(big))
		Expect(metadata).To(HaveKeyWithValue("sha-512", allHashes(big)[0].Hash))
		content, _, _ = s3.object("releases/1.0.0/small.txt")
		Expect(content).To(Equal(small))
		Expect(os.ReadFile(filepath.Join(out, "big.tgz"))).To(Equal(big))
		Expect(result.Metalink.Files[0].URLs).To(Equal([]metalink.URL{
			{URL: origin.url("files", "big.tgz")},
			{URL: s3.url("releases/1.0.0/big.tgz"), Priority: fixtures.Priority(1)},
			{URL: fileURL(filepath.Join(out, "big.tgz")), Priority: fixtures.Priority(2)},
		}))
		Expect(s3.pendingUploads()).To(BeZero())
	})

	It("uploads nothing when run again", func() {
		_, _, err := run(request{Metalink: releaseFrom("files"), Targets: targets, Handlers: s3.handlers()})
		Expect(err).NotTo(HaveOccurred())
		requests := origin.hits.Load()

		result, log, err := run(request{Metalink: releaseFrom("files"), Targets: targets, Handlers: s3.handlers()})
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Copied).To(BeZero())
		Expect(result.Present).To(Equal(4))
		Expect(origin.hits.Load()).To(Equal(requests), "the source was read again")
		Expect(log).To(ContainSubstring("big.tgz: " + s3.url("releases/1.0.0/big.tgz") + " already holds it"))
	})

	It("copies a generated file to S3 with its hashes as metadata", func() {
		path := writeLocal("big.tgz", big)
		result, _, err := run(request{
			Metalink: generated("2.0.0", path), Local: []string{path}, Targets: targets, Handlers: s3.handlers(),
		})
		Expect(err).NotTo(HaveOccurred())
		content, metadata, ok := s3.object("releases/2.0.0/big.tgz")
		Expect(ok).To(BeTrue())
		Expect(content).To(Equal(big))
		Expect(metadata).To(HaveKeyWithValue("sha-256", allHashes(big)[1].Hash))
		Expect(result.Metalink.Files[0].Hashes).To(Equal(allHashes(big)))
	})

	It("starts every copy over from the next URL when the preferred one serves corrupt bytes", func() {
		release := releaseFrom("files")
		release.Files[0].URLs = []metalink.URL{
			{URL: origin.url("corrupt", "big.tgz"), Priority: fixtures.Priority(1)},
			{URL: origin.url("files", "big.tgz"), Priority: fixtures.Priority(2)},
		}
		result, log, err := run(request{Metalink: release, Targets: targets, Handlers: s3.handlers()})
		Expect(err).NotTo(HaveOccurred())
		Expect(log).To(ContainSubstring(origin.url("corrupt", "big.tgz") + " failed: sha-512 mismatch"))
		content, _, _ := s3.object("releases/1.0.0/big.tgz")
		Expect(content).To(Equal(big))
		Expect(os.ReadFile(filepath.Join(out, "big.tgz"))).To(Equal(big))
		Expect(s3.pendingUploads()).To(BeZero(), "the copy from the corrupt URL was aborted")
		Expect(result.Copied).To(Equal(4))
	})

	It("aborts every copy when the source serves corrupt bytes: no object, no file, no pending upload", func() {
		_, _, err := run(request{Metalink: releaseFrom("corrupt"), Targets: targets, Handlers: s3.handlers()})
		Expect(err).To(MatchError(ContainSubstring("sha-512 mismatch")))
		Expect(s3.keys()).To(BeEmpty())
		Expect(s3.pendingUploads()).To(BeZero())
		Expect(os.ReadDir(out)).To(BeEmpty())
	})

	It("leaves no temporary object when another file's destination bucket does not exist", func() {
		// The failure of small.txt (no such bucket) must not cut off the
		// upload of big.tgz mid-request: S3 may carry out a cancelled request
		// after its temporary object was deleted. Repeated, since it was a race.
		bigPath, smallPath := writeLocal("big.tgz", big), writeLocal("small.txt", small)
		destination := strings.Replace(s3.server.URL("BUCKET", "releases/{{.SHA256}}/{{.Name}}"), "BUCKET",
			`{{if eq .Name "small.txt"}}no-such-bucket{{else}}`+bucket+`{{end}}`, 1)
		for range 4 {
			doc := metalink.Metalink{Files: []metalink.File{
				{Name: "big.tgz", Version: "2.0.0", Size: uint64(len(big))},
				{Name: "small.txt", Version: "2.0.0", Size: uint64(len(small))},
			}}
			_, _, err := run(request{
				Metalink: doc, Local: []string{bigPath, smallPath}, Handlers: s3.handlers(),
				Targets: []mirror.Target{{Destination: destination}},
			})
			Expect(err).To(MatchError(ContainSubstring("no-such-bucket")))
			for _, key := range s3.keys() {
				Expect(key).NotTo(ContainSubstring(".metalink-upload-"))
			}
			Expect(s3.pendingUploads()).To(BeZero())
		}
	})

	It("aborts when S3 refuses a part: no object and no pending multipart upload", func() {
		proxy := s3server.StartRefusingProxy(GinkgoT(), s3.server, 2)
		targets[0].Destination = proxy.URL(bucket, "releases/{{.Name}}")
		_, _, err := run(request{
			Metalink: metalink.Metalink{Files: releaseFrom("files").Files[:1]},
			Targets:  targets,
			Handlers: []urlhandlers.Config{{Type: "s3", Options: s3.server.Credentials()}},
		})
		Expect(err).To(MatchError(ContainSubstring("put " + proxy.URL(bucket, "releases/big.tgz") + ": HTTP 500 (InternalError: disk failure)")))
		Expect(proxy.Refused()).To(BeNumerically(">=", 1))
		Expect(s3.keys()).To(BeEmpty())
		Expect(s3.pendingUploads()).To(BeZero())
		Expect(os.ReadDir(out)).To(BeEmpty())
	})

	It("fails on wrong credentials and stores nothing", func() {
		wrong := []urlhandlers.Config{{Type: "s3", Options: s3client.Options{AccessKey: "nobody", SecretKey: "wrong-secret", DisableSSL: true}}}
		_, _, err := run(request{Metalink: releaseFrom("files"), Targets: targets, Handlers: wrong})
		Expect(err).To(MatchError(ContainSubstring(s3.url("releases/1.0.0/"))))
		Expect(err).To(MatchError(ContainSubstring("access key")))
		Expect(err.Error()).NotTo(ContainSubstring("wrong-secret"))
		Expect(s3.keys()).To(BeEmpty())
	})
})

var _ = Describe("Run for a generated file with S3 destinations", func() {
	var (
		s3      store
		app     []byte // several parts
		out     string
		targets []mirror.Target
	)

	BeforeEach(func() {
		s3 = startStore()
		app = fixtures.RandomBytes(12<<20+5, 4)
		out = GinkgoT().TempDir()
		targets = []mirror.Target{
			{Destination: s3.url("releases/{{.SHA256}}/{{.Name}}")},
			{Destination: "file://" + out + "/{{.Name}}"},
		}
	})

	generatedFrom := func(path string) request {
		doc := metalink.Metalink{Files: []metalink.File{{Name: "app.tgz", Version: "2.0.0", Size: uint64(len(app))}}}
		return request{Metalink: doc, Local: []string{path}, Targets: targets, Handlers: s3.handlers()}
	}
	finalKey := func() string { return "releases/" + allHashes(app)[1].Hash + "/app.tgz" }

	// A second open fails the run at once (see reads), so does not hang.
	It("reads the file once, names the object by its sha-256 and leaves no temporary object", func() {
		path, counted := writeLocal("app.tgz", app), countReads()
		req := generatedFrom(path)
		req.Open = counted.open
		result, log, err := run(req)
		Expect(err).NotTo(HaveOccurred())
		Expect(counted.of(path)).To(Equal(fileReads{Opens: 1, Closes: 1, Bytes: int64(len(app))}))
		content, metadata, ok := s3.object(finalKey())
		Expect(ok).To(BeTrue())
		Expect(content).To(Equal(app))
		Expect(metadata).To(HaveKeyWithValue("sha-256", allHashes(app)[1].Hash))
		Expect(metadata).To(HaveKeyWithValue("md5", allHashes(app)[3].Hash))
		Expect(os.ReadFile(filepath.Join(out, "app.tgz"))).To(Equal(app))
		Expect(s3.keys()).To(ConsistOf(finalKey()))
		Expect(s3.pendingUploads()).To(BeZero())
		Expect(os.ReadDir(out)).To(HaveLen(1), "no temporary file is left")
		Expect(result.Metalink.Files[0].Hashes).To(Equal(allHashes(app)))
		Expect(result.Metalink.Files[0].URLs).To(Equal([]metalink.URL{{URL: s3.url(finalKey())}, {URL: fileURL(filepath.Join(out, "app.tgz"))}}))
		Expect(result.Copied).To(Equal(2))
		Expect(log).To(ContainSubstring("app.tgz: copied to " + s3.url(finalKey())))
	})

	It("counts copies already there as present and removes what it uploaded meanwhile", func() {
		path := writeLocal("app.tgz", app)
		_, _, err := run(generatedFrom(path))
		Expect(err).NotTo(HaveOccurred())

		result, log, err := run(generatedFrom(path))
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Copied).To(BeZero())
		Expect(result.Present).To(Equal(2))
		Expect(log).To(ContainSubstring("app.tgz: " + s3.url(finalKey()) + " already holds it"))
		Expect(s3.keys()).To(ConsistOf(finalKey()))
		Expect(os.ReadDir(out)).To(HaveLen(1))
	})

	It("never replaces an object of the same size whose bytes differ, and leaves no upload behind", func() {
		other := fixtures.RandomBytes(len(app), 5)
		Expect(s3.server.Put(context.Background(), bucket, "releases/app.tgz", other)).To(Succeed())
		targets = targets[:1]
		targets[0].Destination = s3.url("releases/{{.Name}}")
		_, _, err := run(generatedFrom(writeLocal("app.tgz", app)))
		Expect(err).To(MatchError(MatchRegexp(`^mirror app\.tgz: s3://\S+/releases/app\.tgz already holds other bytes \(sha-512 [0-9a-f]{128}, not [0-9a-f]{128}\): a mirror never replaces what it holds`)))
		content, _, _ := s3.object("releases/app.tgz")
		Expect(content).To(Equal(other), "left as it was")
		Expect(s3.keys()).To(ConsistOf("releases/app.tgz"))
		Expect(s3.pendingUploads()).To(BeZero())
	})

	Context("when the key does not depend on the hashes", func() {
		var recorder *s3server.Recorder

		BeforeEach(func() {
			recorder = s3server.StartRecorder(GinkgoT(), s3.server)
			targets = []mirror.Target{{Destination: recorder.URL(bucket, "releases/{{.Name}}")}}
		})
		operations := func() []string {
			var names []string
			for _, r := range recorder.Requests() {
				Expect(r.Path).NotTo(ContainSubstring(".metalink-upload-"), "no temporary key")
				names = append(names, r.Operation())
			}
			return names
		}

		It("uploads straight to it and records the hashes by a copy onto itself", func() {
			result, _, err := run(generatedFrom(writeLocal("app.tgz", app)))
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Copied).To(Equal(1))
			content, metadata, ok := s3.object("releases/app.tgz")
			Expect(ok).To(BeTrue())
			Expect(content).To(Equal(app))
			Expect(metadata).To(HaveKeyWithValue("sha-512", allHashes(app)[0].Hash))
			Expect(s3.keys()).To(ConsistOf("releases/app.tgz"))
			Expect(operations()).To(ContainElements("CreateMultipartUpload", "CompleteMultipartUpload", "CopyObject"))
			copies := recorder.Operations("CopyObject")
			Expect(copies).To(HaveLen(1))
			Expect(copies[0].Header.Get("X-Amz-Copy-Source")).To(Equal(bucket + "/releases/app.tgz"))
			Expect(copies[0].Header.Get("X-Amz-Metadata-Directive")).To(Equal("REPLACE"))
		})

		It("abandons the upload unfinished when the object holds the file, leaving it as it was", func() {
			path := writeLocal("app.tgz", app)
			_, _, err := run(generatedFrom(path))
			Expect(err).NotTo(HaveOccurred())
			before := len(recorder.Requests())
			result, log, err := run(generatedFrom(path))
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Present).To(Equal(1))
			Expect(log).To(ContainSubstring(" already holds it"))
			second := operations()[before:]
			Expect(second).To(ContainElement("CreateMultipartUpload"), "the bytes went up while they were hashed")
			Expect(second).NotTo(ContainElements("CompleteMultipartUpload"))
			Expect(second).NotTo(ContainElements("CopyObject"))
			Expect(s3.pendingUploads()).To(BeZero())
			_, metadata, _ := s3.object("releases/app.tgz")
			Expect(metadata).To(HaveKeyWithValue("sha-256", allHashes(app)[1].Hash))
		})

		It("leaves an object that the next put reads back and keeps when S3 refuses to record the hashes", func() {
			targets[0].Destination = s3.refuseCopies("releases/{{.Name}}")
			path := writeLocal("app.tgz", app)
			_, _, err := run(generatedFrom(path))
			Expect(err).To(MatchError(MatchRegexp(`mirror app\.tgz: copy s3://\S+/releases/app\.tgz to s3://\S+/releases/app\.tgz: .*HTTP 500 \(InternalError: copy failed\)`)))
			content, metadata, ok := s3.object("releases/app.tgz")
			Expect(ok).To(BeTrue())
			Expect(content).To(Equal(app))
			Expect(metadata).NotTo(HaveKey("sha-256"))

			targets[0].Destination = s3.url("releases/{{.Name}}")
			result, _, err := run(generatedFrom(path))
			Expect(err).NotTo(HaveOccurred())
			Expect(result.Present).To(Equal(1), "an object without hashes is read back: these are the file's bytes")
			Expect(result.Copied).To(BeZero())
			content, _, _ = s3.object("releases/app.tgz")
			Expect(content).To(Equal(app))
		})
	})

	It("leaves no temporary object, no object and no file when S3 refuses a part", func() {
		proxy := s3server.StartRefusingProxy(GinkgoT(), s3.server, 2)
		targets[0].Destination = proxy.URL(bucket, "releases/{{.SHA256}}/{{.Name}}")
		_, _, err := run(generatedFrom(writeLocal("app.tgz", app)))
		Expect(err).To(MatchError(ContainSubstring("HTTP 500 (InternalError: disk failure)")))
		Expect(err).To(MatchError(ContainSubstring("put " + proxy.URL(bucket, "releases/.metalink-upload-"))))
		Expect(proxy.Refused()).To(BeNumerically(">=", 1))
		Expect(s3.keys()).To(BeEmpty())
		Expect(s3.pendingUploads()).To(BeZero())
		Expect(os.ReadDir(out)).To(BeEmpty())
	})

	It("removes the temporary object and writes no file when S3 refuses the copy to the destination", func() {
		targets[0].Destination = s3.refuseCopies("releases/{{.SHA256}}/{{.Name}}")
		_, _, err := run(generatedFrom(writeLocal("app.tgz", app)))
		Expect(err).To(MatchError(ContainSubstring("mirror app.tgz: copy s3://")))
		Expect(err).To(MatchError(ContainSubstring("/releases/.metalink-upload-")))
		Expect(err).To(MatchError(ContainSubstring("HTTP 500 (InternalError: copy failed)")))
		Expect(s3.keys()).To(BeEmpty())
		Expect(s3.pendingUploads()).To(BeZero())
		Expect(os.ReadDir(out)).To(BeEmpty())
	})
})
