package mirror_test

import (
	"context"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/mirror"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

var _ = Describe("Run for a generated metalink", func() {
	var (
		app, notes []byte
		paths      []string
		out        string
	)

	BeforeEach(func() {
		app, notes = fixtures.RandomBytes(3<<20+17, 1), []byte("release notes\n")
		paths = []string{writeLocal("app.tgz", app), writeLocal("notes.txt", notes)}
		out = GinkgoT().TempDir()
	})

	It("computes sha-512, sha-256, sha-1 and md5 of every file and copies it to each destination", func() {
		result, log, err := run(request{
			Metalink: generated("1.2.3", paths...), Local: paths,
			Targets: []mirror.Target{
				{Destination: "file://" + out + "/{{.Version}}/{{.Name}}", Location: "de", Priority: fixtures.Priority(5)},
				{Destination: "file://./by-size/{{.Size}}-{{.Name}}"},
			},
			BaseDir: out,
		})
		Expect(err).NotTo(HaveOccurred())
		files := result.Metalink.Files
		Expect(files).To(HaveLen(2))
		Expect(files[0].Hashes).To(Equal(allHashes(app)))
		Expect(files[1].Hashes).To(Equal(allHashes(notes)))
		Expect(os.ReadFile(filepath.Join(out, "1.2.3", "app.tgz"))).To(Equal(app))
		Expect(os.ReadFile(filepath.Join(out, "by-size", "14-notes.txt"))).To(Equal(notes))
		Expect(files[0].URLs).To(Equal([]metalink.URL{
			{URL: fileURL(filepath.Join(out, "1.2.3", "app.tgz")), Location: "de", Priority: fixtures.Priority(5)},
			{URL: fileURL(filepath.Join(out, "by-size", "3145745-app.tgz"))},
		}))
		Expect(result.Copied).To(Equal(4))
		Expect(result.Bytes).To(Equal(int64(2 * (len(app) + len(notes)))))
		Expect(log).To(ContainSubstring("app.tgz: copied to " + fileURL(filepath.Join(out, "1.2.3", "app.tgz"))))
	})

	// A second open fails the run at once (see reads), so does not hang.
	It("opens and reads each file exactly once with several file destinations", func() {
		counted := countReads()
		result, _, err := run(request{
			Metalink: generated("1.2.3", paths...), Local: paths, Open: counted.open,
			Targets: []mirror.Target{{Destination: "file://" + out + "/a/{{.Name}}"}, {Destination: "file://" + out + "/b/{{.SHA256}}"}},
		})
		Expect(err).NotTo(HaveOccurred())
		for i, content := range [][]byte{app, notes} {
			Expect(counted.of(paths[i])).To(Equal(fileReads{Opens: 1, Closes: 1, Bytes: int64(len(content))}), paths[i])
			Expect(result.Metalink.Files[i].Hashes).To(Equal(allHashes(content)))
			Expect(os.ReadFile(filepath.Join(out, "a", filepath.Base(paths[i])))).To(Equal(content))
			Expect(os.ReadFile(filepath.Join(out, "b", allHashes(content)[1].Hash))).To(Equal(content))
		}
	})

	It("names copies by a hash when the destination uses one", func() {
		result, _, err := run(request{
			Metalink: generated("1.2.3", paths...), Local: paths,
			Targets: []mirror.Target{{Destination: "file://" + out + "/{{.SHA256}}"}},
		})
		Expect(err).NotTo(HaveOccurred())
		sha256 := result.Metalink.Files[0].Hashes[1].Hash
		Expect(os.ReadFile(filepath.Join(out, sha256))).To(Equal(app))
		Expect(result.Metalink.Files[0].URLs[0].URL).To(Equal(fileURL(filepath.Join(out, sha256))))
	})

	It("records the url template's address instead of the destination", func() {
		result, _, err := run(request{
			Metalink: generated("1.2.3", paths[0]), Local: paths[:1],
			Targets: []mirror.Target{{
				Destination: "file://" + out + "/{{.Name}}",
				URL:         "https://cdn.example.com/{{.Version}}/{{.Name}}?sha1={{.SHA1}}",
				Location:    "us",
			}},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Metalink.Files[0].URLs).To(Equal([]metalink.URL{
			{URL: "https://cdn.example.com/1.2.3/app.tgz?sha1=" + allHashes(app)[2].Hash, Location: "us"},
		}))
	})

	It("copies nothing again when every destination already holds the file", func() {
		req := request{
			Metalink: generated("1.2.3", paths...), Local: paths,
			Targets: []mirror.Target{{Destination: "file://" + out + "/{{.Name}}"}, {Destination: "file://" + out + "/{{.MD5}}"}},
		}
		first, _, err := run(req)
		Expect(err).NotTo(HaveOccurred())
		before, err := os.Stat(filepath.Join(out, "app.tgz"))
		Expect(err).NotTo(HaveOccurred())

		second, log, err := run(req)
		Expect(err).NotTo(HaveOccurred())
		Expect(second.Copied).To(Equal(0))
		Expect(second.Present).To(Equal(4))
		Expect(second.Metalink).To(Equal(first.Metalink))
		Expect(log).To(ContainSubstring("app.tgz: " + fileURL(filepath.Join(out, "app.tgz")) + " already holds it"))
		after, err := os.Stat(filepath.Join(out, "app.tgz"))
		Expect(err).NotTo(HaveOccurred())
		Expect(after.ModTime()).To(Equal(before.ModTime()))
		Expect(os.SameFile(before, after)).To(BeTrue())
	})

	It("never replaces a copy whose bytes differ: it refuses, naming it", func() {
		stale := fixtures.RandomBytes(len(app), 2)
		Expect(os.WriteFile(filepath.Join(out, "app.tgz"), stale, 0o644)).To(Succeed())
		result, _, err := run(request{
			Metalink: generated("1.2.3", paths[0]), Local: paths[:1],
			Targets: []mirror.Target{{Destination: "file://" + out + "/{{.Name}}"}},
		})
		Expect(err).To(MatchError(MatchRegexp(`^mirror app\.tgz: file://\S+/app\.tgz already holds other bytes \(sha-512 [0-9a-f]{128}, not [0-9a-f]{128}\): a mirror never replaces what it holds; give source\.mirror_files\[0\]\.destination a key that differs for other bytes, e\.g\. with \{\{\.SHA256\}\}$`)))
		Expect(result.Copied).To(BeZero())
		Expect(os.ReadFile(filepath.Join(out, "app.tgz"))).To(Equal(stale), "left as it was")
		Expect(os.ReadDir(out)).To(HaveLen(1), "no temporary left")
	})

	It("computes the hashes without any destination", func() {
		result, _, err := run(request{Metalink: generated("1.2.3", paths...), Local: paths})
		Expect(err).NotTo(HaveOccurred())
		Expect(result.Metalink.Files[1].Hashes).To(Equal(allHashes(notes)))
		Expect(result.Metalink.Files[1].URLs).To(BeEmpty())
	})
})

var _ = Describe("Compile and Run's checks before any byte moves", func() {
	DescribeTable("rejects a bad mirror_files entry, naming it, and copies nothing",
		func(target mirror.Target, local bool, want string) {
			out := GinkgoT().TempDir()
			content := []byte("content")
			path := writeLocal("app.tgz", content)
			good := mirror.Target{Destination: "file://" + out + "/good/{{.Name}}"}
			req := request{Targets: []mirror.Target{good, target}, BaseDir: out}
			if local {
				req.Metalink, req.Local = generated("1.0.0", path), []string{path}
			} else {
				req.Metalink = metalink.Metalink{Files: []metalink.File{described("app.tgz", content, fileURL(path))}}
			}
			_, _, err := run(req)
			Expect(err).To(MatchError(ContainSubstring(want)))
			Expect(filepath.Join(out, "good")).NotTo(BeADirectory())
		},
		Entry("an unknown field in a destination", mirror.Target{Destination: "file:///tmp/{{.Nmae}}"}, false,
			"source.mirror_files[1].destination: unknown field .Nmae (the fields are {{.Name}}, {{.Version}}, {{.Size}}, {{.MD5}}, {{.SHA1}}, {{.SHA256}}, {{.SHA512}}, {{.Hashes}} and {{.URLs}})"),
		Entry("an unknown field in a generated file's destination", mirror.Target{Destination: "file:///tmp/{{.SHA1}}/{{.Sha256}}"}, true,
			`mirror_files[1].destination`),
		Entry("an unknown field in a url", mirror.Target{Destination: "file:///tmp/x", URL: "https://cdn/{{.Nope}}"}, false,
			`mirror_files[1].url`),
		Entry("a template that does not parse", mirror.Target{Destination: "file:///tmp/{{.Name"}, false,
			"source.mirror_files[1].destination: line 1: unclosed action"),
		Entry("an unsupported scheme", mirror.Target{Destination: "sftp://user:pw@host/{{.Name}}"}, false,
			`source.mirror_files[1].destination: destination "sftp://[redacted]@host/example-1.0.0.tgz": expected an s3://, file:// or ftp:// URL`),
		Entry("an ftp URL without a file", mirror.Target{Destination: "ftp://user:pw@host/{{.Version}}/"}, false,
			`source.mirror_files[1].destination: destination "ftp://[redacted]@host/1.0.0/": it names a directory, not a file`),
		Entry("an ftp URL without a host", mirror.Target{Destination: "ftp:///{{.Name}}"}, false,
			`source.mirror_files[1].destination: destination "ftp:///example-1.0.0.tgz": ftp URL has no host`),
		Entry("an ftp server that depends on the hashes", mirror.Target{Destination: "ftp://h{{.MD5}}/releases/{{.Name}}"}, true,
			`mirror_files[1].destination: destination ftp://h00000000000000000000000000000000/releases/app.tgz: its server and login may not depend on the hashes`),
		Entry("an ftp login that depends on the hashes", mirror.Target{Destination: "ftp://u{{.MD5}}:pw@host/releases/{{.Name}}"}, true,
			`mirror_files[1].destination: destination ftp://host/releases/app.tgz: its server and login may not depend on the hashes`),
		Entry("an unsupported scheme that depends on the hashes", mirror.Target{Destination: "https://host/{{.SHA1}}"}, true,
			`mirror_files[1].destination: destination "https://host/`),
		Entry("a bucket that depends on the hashes", mirror.Target{Destination: "s3://127.0.0.1:1/b-{{.MD5}}/{{.Name}}"}, true,
			`mirror_files[1].destination: destination s3://127.0.0.1:1/b-00000000000000000000000000000000/app.tgz: its endpoint and bucket may not depend on the hashes`),
		Entry("a scheme that depends on the hashes", mirror.Target{Destination: `{{if eq .MD5 "00000000000000000000000000000000"}}file:///tmp{{else}}s3://127.0.0.1:1/b{{end}}/{{.Name}}`}, true,
			`its scheme may not depend on the hashes`),
		Entry("a file URL with a host", mirror.Target{Destination: "file://host/{{.Name}}"}, false,
			`file:// URLs take no host`),
		Entry("a directory", mirror.Target{Destination: "file:///tmp/{{.Version}}/"}, false,
			`names a directory, not a file`),
		Entry("an s3 URL without a key", mirror.Target{Destination: "s3://host/bucket"}, false,
			`expected s3://HOST[:PORT]/BUCKET/KEY`),
		Entry("an empty destination", mirror.Target{Destination: "{{if false}}x{{end}}"}, false,
			`source.mirror_files[1].destination rendered an empty destination for example-1.0.0.tgz`),
	)

	It("takes a plain URI as it is, naming it in the caller's words", func() {
		handlers, err := urlhandlers.Compile("options", nil, network.Default())
		Expect(err).NotTo(HaveOccurred())
		names := field.Names(func(f string) string { return "<" + f + ">" })
		_, err = mirror.CompileURI(mirror.Target{Destination: "ftp://user:pw@host/{{.Version}}/"}, names, handlers)
		Expect(err).To(MatchError(`<destination>: destination "ftp://[redacted]@host/{{.Version}}/": it names a directory, not a file`))

		out := GinkgoT().TempDir()
		content := []byte("content")
		path := writeLocal("app.tgz", content)
		plan, err := mirror.CompileURI(mirror.Target{Destination: "file://" + out + "/{{.Name}}"}, names, handlers)
		Expect(err).NotTo(HaveOccurred())
		req := mirror.Request{Metalink: metalink.Metalink{Files: []metalink.File{described("app.tgz", content, fileURL(path))}}, BaseDir: out}
		_, err = mirror.Run(context.Background(), plan, req)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.ReadFile(filepath.Join(out, "{{.Name}}"))).To(Equal(content))
	})

	It("refuses to copy two files to the same destination", func() {
		paths := []string{writeLocal("a.tgz", []byte("a")), writeLocal("b.tgz", []byte("b"))}
		_, _, err := run(request{
			Metalink: generated("1.0.0", paths...), Local: paths,
			Targets: []mirror.Target{{Destination: "file:///tmp/releases/{{.Version}}.tgz"}},
		})
		Expect(err).To(MatchError("source.mirror_files[0].destination: a.tgz and b.tgz would both be copied to file:///tmp/releases/1.0.0.tgz"))
	})

	It("refuses to mirror a file the metalink gives no URL for", func() {
		_, _, err := run(request{
			Metalink: metalink.Metalink{Files: []metalink.File{{Name: "app.tgz", Version: "1.0.0"}}},
			Targets:  []mirror.Target{{Destination: "file:///tmp/{{.Name}}"}},
		})
		Expect(err).To(MatchError("mirror app.tgz: the metalink gives no URL to copy it from"))
	})
})
