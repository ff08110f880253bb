package integration_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// corpus is what a bad-input case may build its request from.
type corpus struct {
	dir     string   // for printed metalinks
	mirror  *mirrors // serves "payload.tgz" (good and corrupt)
	content []byte
	trusted signer // in the trust store of every in request
}

// file is a well-formed metalink file for the payload.
func (c corpus) file() metalink.File {
	return metalink.File{
		Name: "payload.tgz", Size: uint64(len(c.content)), Hashes: hashes(c.content),
		URLs: []metalink.URL{{URL: c.mirror.url("good", "payload.tgz")}},
	}
}

// printing is a metalink_get script printing a document of files.
func (c corpus) printing(files ...metalink.File) string {
	return catScript(c.dir, metalink.Metalink{Files: files})
}

func (c corpus) source(extra map[string]any) map[string]any {
	src := map[string]any{
		"version_check":         "echo 1.0.0",
		"metalink_get":          c.printing(c.file()),
		"signature_trust_store": c.trusted.publicKey(),
	}
	for k, v := range extra {
		src[k] = v
	}
	return src
}

func (c corpus) check(extra map[string]any) map[string]any {
	return map[string]any{"source": c.source(extra)}
}

func (c corpus) in(extra map[string]any, params map[string]any) map[string]any {
	return map[string]any{"source": c.source(extra), "version": map[string]any{"version": "1.0.0"}, "params": params}
}

// withFile is an in request whose metalink_get prints the payload changed by spoil.
func (c corpus) withFile(spoil func(*metalink.File)) map[string]any {
	f := c.file()
	spoil(&f)
	return c.in(map[string]any{"metalink_get": c.printing(f)}, nil)
}

var _ = Describe("bad input", func() {
	var (
		c    corpus
		dest string
	)

	BeforeEach(func() {
		content := patterned(50_000, 7)
		c = corpus{
			dir:     GinkgoT().TempDir(),
			mirror:  newMirrors(map[string][]byte{"payload.tgz": content}),
			content: content,
			trusted: newSigner("Trusted Signer"),
		}
		dest = filepath.Join(GinkgoT().TempDir(), "get")
		Expect(os.Mkdir(dest, 0o755)).To(Succeed())
	})

	binaryFor := func(command string) string {
		return map[string]string{"check": bin.Check, "in": bin.In, "out": bin.Out}[command]
	}

	DescribeTable("fails with exactly one line, last on stderr, and leaves no file in the destination",
		func(command string, request func(corpus) any, message string) {
			var args []string
			if command != "check" {
				args = []string{dest}
			}
			r := execute(binaryFor(command), request(c), args...)

			Expect(r.code).To(Equal(1), r.output)
			Expect(r.stdout).To(BeEmpty())
			Expect(r.lastLine()).To(HavePrefix(command+": "), r.output)
			Expect(r.lastLine()).To(ContainSubstring(message))
			fatal := 0
			for _, line := range r.lines() {
				if strings.HasPrefix(line, command+": ") {
					fatal++
				}
			}
			Expect(fatal).To(Equal(1), r.output)
			Expect(r.stderr).NotTo(ContainSubstring("panic"))
			Expect(r.stderr).NotTo(ContainSubstring("goroutine "))
			Expect(r.elapsed).To(BeNumerically("<", 15*time.Second), "a timed-out script is killed promptly")
			Expect(regularFiles(dest)).To(BeEmpty())
		},

		Entry("check: malformed JSON", "check", text(`{"source": {"version_check": "echo 1"`), "check: source: malformed JSON at byte 37: unexpected end of JSON input"),
		Entry("check: an empty request", "check", text(""), "check: empty request: expected a JSON object on stdin"),
		Entry("check: an unknown top-level key", "check", func(c corpus) any {
			r := c.check(nil)
			r["sauce"] = map[string]any{}
			return r
		}, `"sauce"`),
		Entry("check: an unknown source key", "check", func(c corpus) any {
			return c.check(map[string]any{"version_chek": "echo 1"})
		}, `"source.version_chek"`),
		Entry("check: a number where a script belongs", "check", func(c corpus) any {
			return c.check(map[string]any{"version_check": 5})
		}, "version_check"),
		Entry("check: an invalid constraint", "check", func(c corpus) any {
			return c.check(map[string]any{"version": ">= one.two"})
		}, "source.version"),
		Entry("check: a script that fails", "check", func(c corpus) any {
			return c.check(map[string]any{"version_check": "echo 1.0.0; exit 4"})
		}, "version_check: "),
		Entry("check: a script that times out", "check", func(c corpus) any {
			return c.check(map[string]any{"version_check": "sleep 60 | cat", "script_timeout": "1s"})
		}, "version_check: "),
		Entry("check: a current version that is no version", "check", func(c corpus) any {
			r := c.check(nil)
			r["version"] = map[string]any{"version": "not-a-version"}
			return r
		}, "not-a-version"),
		Entry("check: a bad url_handlers type", "check", func(c corpus) any {
			return c.check(map[string]any{"url_handlers": []any{map[string]any{"type": "carrier-pigeon"}}})
		}, "url_handlers"),

		Entry("in: malformed JSON", "in", text(`{"source": [`), "in: source: malformed JSON at byte 12: unexpected end of JSON input"),
		Entry("in: an unknown source key", "in", func(c corpus) any {
			return c.in(map[string]any{"skip_hash_verificaton": true}, nil)
		}, `"source.skip_hash_verificaton"`),
		Entry("in: an unknown params key", "in", func(c corpus) any {
			return c.in(nil, map[string]any{"exclude_files": []string{"*"}})
		}, `"params.exclude_files"`),
		Entry("in: a string where a boolean belongs", "in", func(c corpus) any {
			return c.in(nil, map[string]any{"skip_download": "yes"})
		}, "skip_download"),
		Entry("in: a string where a list belongs", "in", func(c corpus) any {
			return c.in(map[string]any{"include_files": "*.tgz"}, nil)
		}, "include_files"),
		Entry("in: an invalid constraint", "in", func(c corpus) any {
			return c.in(map[string]any{"version": "~> ~> 1"}, nil)
		}, "source.version"),
		Entry("in: a version the constraint does not allow", "in", func(c corpus) any {
			return c.in(map[string]any{"version": "2.x"}, nil)
		}, `version "1.0.0" is not allowed by source.version "2.x"`),
		Entry("in: a malformed glob", "in", func(c corpus) any {
			return c.in(map[string]any{"include_files": []string{"payload[.tgz"}}, nil)
		}, "payload[.tgz"),
		Entry("in: a bad script_timeout", "in", func(c corpus) any {
			return c.in(map[string]any{"script_timeout": "15 minutes"}, nil)
		}, "source.script_timeout"),
		Entry("in: a script that fails", "in", func(c corpus) any {
			return c.in(map[string]any{"metalink_get": "echo partial output; false"}, nil)
		}, "metalink_get: "),
		Entry("in: a script that times out", "in", func(c corpus) any {
			return c.in(map[string]any{"metalink_get": "sleep 60", "script_timeout": "1s"}, nil)
		}, "metalink_get: "),
		Entry("in: a script that prints garbage", "in", func(c corpus) any {
			return c.in(map[string]any{"metalink_get": "echo 'Not Found'"}, nil)
		}, `"Not Found\n"`),
		Entry("in: a script that prints an HTML error page", "in", func(c corpus) any {
			return c.in(map[string]any{"metalink_get": "echo '<html><title>502 Bad Gateway</title></html>'"}, nil)
		}, `output began: "<html><title>502 Bad Gateway</title></html>\n"`),
		Entry("in: a script that prints two JSON documents", "in", func(c corpus) any {
			script := c.printing(c.file())
			return c.in(map[string]any{"metalink_get": script + "; " + script}, nil)
		}, "metalink_get"),
		Entry("in: a metalink with no files", "in", func(c corpus) any {
			return c.in(map[string]any{"metalink_get": `echo '{"files":[]}'`}, nil)
		}, "metalink_get"),
		Entry("in: a metalink with a size that is a string", "in", func(c corpus) any {
			return c.in(map[string]any{"metalink_get": `echo '{"files":[{"name":"a","size":"12"}]}'`}, nil)
		}, "metalink_get"),
		Entry("in: a file name that climbs out", "in", func(c corpus) any {
			return c.withFile(func(f *metalink.File) { f.Name = "../escaped.tgz" })
		}, "../escaped.tgz"),
		Entry("in: an absolute file name", "in", func(c corpus) any {
			return c.withFile(func(f *metalink.File) { f.Name = filepath.Join(c.dir, "absolute.tgz") })
		}, "absolute.tgz"),
		Entry("in: a file name with a backslash", "in", func(c corpus) any {
			return c.withFile(func(f *metalink.File) { f.Name = `dir\payload.tgz` })
		}, `dir\\payload.tgz`),
		Entry("in: only unknown hash types", "in", func(c corpus) any {
			return c.withFile(func(f *metalink.File) { f.Hashes = []metalink.Hash{{Type: "sha3-256", Hash: "abcd"}} })
		}, "payload.tgz"),
		Entry("in: a hash no mirror matches", "in", func(c corpus) any {
			return c.withFile(func(f *metalink.File) { f.URLs[0].URL = c.mirror.url("corrupt", "payload.tgz") })
		}, "payload.tgz"),
		Entry("in: a signature by a key outside the trust store", "in", func(c corpus) any {
			return c.withFile(func(f *metalink.File) { f.Signatures = newSigner("Stranger").sign(c.content) })
		}, "payload.tgz"),
		Entry("in: a bad url_handlers type", "in", func(c corpus) any {
			return c.in(map[string]any{"url_handlers": []any{map[string]any{"type": "carrier-pigeon"}}}, nil)
		}, "url_handlers"),

		Entry("out: any put", "out", text(`{"source":{},"params":{}}`), "put is not supported"),
	)

	It("fails with a usage line when in gets no destination", func() {
		r := execute(bin.In, c.in(nil, nil))

		Expect(r.code).To(Equal(1))
		Expect(r.stdout).To(BeEmpty())
		Expect(r.stderr).To(Equal("in: usage: in DIRECTORY (exactly one directory, got 0 arguments)\n"))
	})

	It("never prints url_handlers secrets or URL credentials, even in the fatal line", func() {
		secret := "wJalrXUtnFEMI-K7MDENG-bPxRfiCY"
		f := c.file()
		f.URLs = []metalink.URL{{URL: strings.Replace(c.mirror.url("fail404", "payload.tgz"), "://", "://user:"+secret+"@", 1)}}
		request := c.in(map[string]any{
			"metalink_get": fmt.Sprintf("echo 'secret is %s' >&2; %s", secret, c.printing(f)),
			"url_handlers": []any{map[string]any{"type": "s3", "options": map[string]any{"access_key": "AKIA", "secret_key": secret}}},
		}, nil)

		r := execute(bin.In, request, dest)

		Expect(r.code).To(Equal(1))
		Expect(r.stderr).To(ContainSubstring("secret is [redacted]"))
		Expect(r.lastLine()).To(HavePrefix("in: "))
		Expect(r.stderr + r.stdout).NotTo(ContainSubstring(secret))
	})
})

// text is a request sent exactly as written.
func text(raw string) func(corpus) any {
	return func(corpus) any { return raw }
}
