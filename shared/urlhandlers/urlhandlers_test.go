package urlhandlers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/throttle"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

var _ = Describe("Compile", func() {
	DescribeTable("accepts well-formed handlers",
		func(configs []urlhandlers.Config) {
			Expect(urlhandlers.Compile("source.url_handlers", configs, network.Default())).NotTo(BeNil())
		},
		Entry("none", nil),
		Entry("a global s3 handler", []urlhandlers.Config{{Type: "s3", Options: s3client.Options{AccessKey: "AK", SecretKey: "SK"}}}),
		Entry("include and exclude patterns", []urlhandlers.Config{{
			Type: "s3", Include: []string{`^s3://s3\.amazonaws\.com/bucket/`}, Exclude: []string{`\.sig$`},
			Options: s3client.Options{Region: "eu-west-1", DisableSSL: true},
		}}),
	)

	DescribeTable("names the entry and field that is wrong",
		func(configs []urlhandlers.Config, want string) {
			_, err := urlhandlers.Compile("source.url_handlers", configs, network.Default())
			Expect(err).To(MatchError(HavePrefix(want)))
		},
		Entry("an unknown type", []urlhandlers.Config{{Type: "http"}}, `source.url_handlers[0].type: unknown type "http" (expected s3)`),
		Entry("a missing type", []urlhandlers.Config{{}}, `source.url_handlers[0].type: unknown type "" (expected s3)`),
		Entry("a bad include regex", []urlhandlers.Config{{Type: "s3"}, {Type: "s3", Include: []string{"(unclosed"}}},
			`source.url_handlers[1].include[0]: bad regex: error parsing regexp`),
		Entry("a bad exclude regex", []urlhandlers.Config{{Type: "s3", Exclude: []string{"ok", "*"}}},
			`source.url_handlers[0].exclude[1]: bad regex`),
	)

	It("never prints an option's value", func() {
		_, err := urlhandlers.Compile("source.url_handlers", []urlhandlers.Config{{Type: "s3", Options: s3client.Options{SecretKey: "s3cr3t-value"}}}, network.Default())
		Expect(err).To(MatchError("source.url_handlers[0].options: secret_key is set but access_key is not"))
	})
})

var _ = Describe("Router", func() {
	// handles says whether the first (configured) handler takes url.
	handles := func(config urlhandlers.Config, url string) bool {
		return compile(config).Router()[0].Handles(url)
	}

	DescribeTable("chooses the URLs a configured handler takes by its patterns",
		func(include, exclude []string, url string, want bool) {
			Expect(handles(urlhandlers.Config{Type: "s3", Include: include, Exclude: exclude}, url)).To(Equal(want))
		},
		Entry("no patterns: every s3 URL", nil, nil, "s3://host/bucket/key", true),
		Entry("no patterns: not an https URL", nil, nil, "https://host/bucket/key", false),
		Entry("a matching include", []string{"/bucket/"}, nil, "s3://host/bucket/key", true),
		Entry("no matching include", []string{"/other/"}, nil, "s3://host/bucket/key", false),
		Entry("an include matched anywhere (unanchored)", []string{"key$"}, nil, "s3://host/bucket/key", true),
		Entry("a matching exclude beats a matching include", []string{"/bucket/"}, []string{"key"}, "s3://host/bucket/key", false),
		Entry("exclude-only: a URL it does not match", nil, []string{"/other/"}, "s3://host/bucket/key", true),
		Entry("exclude-only: a URL it matches", nil, []string{"/bucket/"}, "s3://host/bucket/key", false),
	)

	It("falls back to file, http(s), ftp and anonymous s3 after the configured handlers", func() {
		router := compile().Router()
		for _, url := range []string{"file:///x", "http://h/x", "https://h/x", "ftp://h/x", "s3://h/b/k"} {
			Expect(router.Handles(url)).To(BeTrue(), url)
		}
		Expect(router.Handles("gopher://h/x")).To(BeFalse())
	})

	It("reads file URLs through the defaults", func() {
		path := filepath.Join(GinkgoT().TempDir(), "file.txt")
		Expect(os.WriteFile(path, []byte("local bytes"), 0o644)).To(Succeed())
		router := compile(urlhandlers.Config{Type: "s3"}).Router()
		body, _, err := router.Open(context.Background(), "file://"+path, 0)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(body.Close)
		Expect(io.ReadAll(body)).To(Equal([]byte("local bytes")))
	})

	Describe("against an S3 server", func() {
		var (
			server *s3server.Server
			ctx    context.Context
		)

		BeforeEach(func() {
			ctx = context.Background()
			server = s3server.Start(GinkgoT(), "private", "other")
			Expect(server.Put(ctx, "private", "file.txt", []byte("private bytes"))).To(Succeed())
			Expect(server.Put(ctx, "other", "file.txt", []byte("other bytes"))).To(Succeed())
		})

		goodKeys := func() s3client.Options { return server.Credentials() }
		badKeys := func() s3client.Options {
			return s3client.Options{AccessKey: s3server.AccessKey, SecretKey: "not-the-secret", DisableSSL: true}
		}
		get := func(router transfer.Router, url string) (string, error) {
			body, _, err := router.Open(ctx, url, 0)
			if err != nil {
				return "", err
			}
			DeferCleanup(body.Close)
			data, err := io.ReadAll(body)
			return string(data), err
		}

		It("signs each URL with the credentials of the first handler that takes it", func() {
			router := compile(
				urlhandlers.Config{Type: "s3", Include: []string{"/private/"}, Options: goodKeys()},
				urlhandlers.Config{Type: "s3", Options: badKeys()},
			).Router()
			Expect(get(router, server.URL("private", "file.txt"))).To(Equal("private bytes"))
			_, err := get(router, server.URL("other", "file.txt"))
			Expect(err).To(MatchError(ContainSubstring("access denied (SignatureDoesNotMatch")))
			Expect(err.Error()).NotTo(ContainSubstring("not-the-secret"))
		})

		It("applies an exclude-only handler to the URLs it does not exclude", func() {
			router := compile(
				urlhandlers.Config{Type: "s3", Exclude: []string{"/other/"}, Options: goodKeys()},
				urlhandlers.Config{Type: "s3", Options: badKeys()},
			).Router()
			Expect(get(router, server.URL("private", "file.txt"))).To(Equal("private bytes"))
			_, err := get(router, server.URL("other", "file.txt"))
			Expect(err).To(MatchError(ContainSubstring("access denied (SignatureDoesNotMatch")))
		})
	})
})

var _ = Describe("OptionsFor", func() {
	set := func() *urlhandlers.Set {
		return compile(
			urlhandlers.Config{Type: "s3", Include: []string{`^s3://127\.0\.0\.1:9000/private/`}, Exclude: []string{`\.public$`},
				Options: s3client.Options{AccessKey: "AK1", SecretKey: "SK1", DisableSSL: true}},
			urlhandlers.Config{Type: "s3", Options: s3client.Options{AccessKey: "AK2", SecretKey: "SK2", Region: "eu-west-1"}},
		)
	}

	DescribeTable("picks the first entry whose patterns select the destination",
		func(url string, want s3client.Options) {
			Expect(set().OptionsFor(url)).To(Equal(want))
		},
		Entry("an included URL", "s3://127.0.0.1:9000/private/app.tgz",
			s3client.Options{AccessKey: "AK1", SecretKey: "SK1", DisableSSL: true}),
		Entry("an excluded URL falls through to the next entry", "s3://127.0.0.1:9000/private/app.public",
			s3client.Options{AccessKey: "AK2", SecretKey: "SK2", Region: "eu-west-1"}),
		Entry("a URL no pattern names takes the global entry", "s3://s3.amazonaws.com/other/app.tgz",
			s3client.Options{AccessKey: "AK2", SecretKey: "SK2", Region: "eu-west-1"}),
		Entry("a file:// URL is never an s3 entry's", "file:///tmp/app.tgz", s3client.Options{}),
	)

	It("gives the defaults without any entry", func() {
		Expect(compile().OptionsFor("s3://s3.amazonaws.com/other/app.tgz")).To(Equal(s3client.Options{}))
	})
})

// compile is Compile of well-formed configs.
func compile(configs ...urlhandlers.Config) *urlhandlers.Set {
	set, err := urlhandlers.Compile("source.url_handlers", configs, network.Default())
	Expect(err).NotTo(HaveOccurred())
	return set
}

var _ = Describe("a download through the router", func() {
	It("fetches one file in segments from an S3 URL and an HTTP mirror at once", func(ctx SpecContext) {
		const size = 24 << 20
		content := make([]byte, size)
		_, _ = rand.NewChaCha8([32]byte{1}).Read(content)
		server := s3server.Start(GinkgoT(), "mirror")
		Expect(server.Put(ctx, "mirror", "big.bin", content)).To(Succeed())
		web, err := throttle.Start(throttle.Config{Addr: throttle.Loopback(2), Path: "/big.bin",
			Body: func() io.ReadSeeker { return bytes.NewReader(content) }})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(web.Close)

		sum := sha256.Sum256(content)
		file := metalink.File{Name: "big.bin", Size: size,
			Hashes: []metalink.Hash{{Type: "sha-256", Hash: hex.EncodeToString(sum[:])}},
			URLs:   []metalink.URL{{URL: server.URL("mirror", "big.bin")}, {URL: web.URL}}}
		router := compile(urlhandlers.Config{Type: "s3", Options: server.Credentials()}).Router()
		log := gbytes.NewBuffer()
		dir := GinkgoT().TempDir()
		opts := download.Options{Reader: router, Progress: log, Report: log, Segments: download.Segments{MinSize: 1 << 20}}
		Expect(download.File(ctx, file, dir, opts)).To(Succeed())

		got, err := os.ReadFile(filepath.Join(dir, "big.bin"))
		Expect(err).NotTo(HaveOccurred())
		Expect(bytes.Equal(got, content)).To(BeTrue())
		Expect(log).To(gbytes.Say(`served by s3://\S+/mirror/big.bin \([1-9][0-9.]* [KM]iB\), http://\S+/big.bin \([1-9][0-9.]* [KM]iB\)`))
	})
})
