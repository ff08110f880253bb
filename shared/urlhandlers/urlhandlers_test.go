package urlhandlers_test

import (
	"context"
	"io"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

var _ = Describe("Validate", func() {
	DescribeTable("accepts well-formed handlers",
		func(configs []urlhandlers.Config) {
			Expect(urlhandlers.Validate(configs)).To(Succeed())
		},
		Entry("none", nil),
		Entry("a global s3 handler", []urlhandlers.Config{{Type: "s3", Options: map[string]any{"access_key": "AK", "secret_key": "SK"}}}),
		Entry("include and exclude patterns", []urlhandlers.Config{{
			Type: "s3", Include: []string{`^s3://s3\.amazonaws\.com/bucket/`}, Exclude: []string{`\.sig$`},
			Options: map[string]any{"region": "eu-west-1", "disable_ssl": true},
		}}),
	)

	DescribeTable("names the entry and field that is wrong",
		func(configs []urlhandlers.Config, want string) {
			Expect(urlhandlers.Validate(configs)).To(MatchError(HavePrefix(want)))
		},
		Entry("an unknown type", []urlhandlers.Config{{Type: "http"}}, `url_handlers[0]: unknown type "http" (expected s3)`),
		Entry("a missing type", []urlhandlers.Config{{}}, `url_handlers[0]: unknown type "" (expected s3)`),
		Entry("a bad include regex", []urlhandlers.Config{{Type: "s3"}, {Type: "s3", Include: []string{"(unclosed"}}},
			`url_handlers[1].include[0]: bad regex "(unclosed": error parsing regexp`),
		Entry("a bad exclude regex", []urlhandlers.Config{{Type: "s3", Exclude: []string{"ok", "*"}}},
			`url_handlers[0].exclude[1]: bad regex "*"`),
		Entry("an unknown option", []urlhandlers.Config{{Type: "s3", Options: map[string]any{"secret": "x"}}},
			`url_handlers[0].options: unknown key "secret"`),
		Entry("an option of the wrong type", []urlhandlers.Config{{Type: "s3", Options: map[string]any{"disable_ssl": 1.0}}},
			`url_handlers[0].options: disable_ssl: expected true or false, got a number`),
	)

	It("never prints an option's value", func() {
		err := urlhandlers.Validate([]urlhandlers.Config{{Type: "s3", Options: map[string]any{"secret_key": "s3cr3t-value"}}})
		Expect(err).To(MatchError("url_handlers[0].options: secret_key is set but access_key is not"))
	})
})

var _ = Describe("Router", func() {
	// handles says whether the first (configured) handler takes url.
	handles := func(config urlhandlers.Config, url string) bool {
		router, err := urlhandlers.Router([]urlhandlers.Config{config})
		Expect(err).NotTo(HaveOccurred())
		return router[0].Handles(url)
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
		router, err := urlhandlers.Router(nil)
		Expect(err).NotTo(HaveOccurred())
		for _, url := range []string{"file:///x", "http://h/x", "https://h/x", "ftp://h/x", "s3://h/b/k"} {
			Expect(router.Handles(url)).To(BeTrue(), url)
		}
		Expect(router.Handles("gopher://h/x")).To(BeFalse())
	})

	It("reads file URLs through the defaults", func() {
		path := filepath.Join(GinkgoT().TempDir(), "file.txt")
		Expect(os.WriteFile(path, []byte("local bytes"), 0o644)).To(Succeed())
		router, err := urlhandlers.Router([]urlhandlers.Config{{Type: "s3"}})
		Expect(err).NotTo(HaveOccurred())
		body, _, err := router.Open(context.Background(), "file://"+path, 0)
		Expect(err).NotTo(HaveOccurred())
		defer body.Close()
		Expect(io.ReadAll(body)).To(Equal([]byte("local bytes")))
	})

	It("refuses bad configs", func() {
		_, err := urlhandlers.Router([]urlhandlers.Config{{Type: "ftp"}})
		Expect(err).To(MatchError(`url_handlers[0]: unknown type "ftp" (expected s3)`))
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

		goodKeys := func() map[string]any { return server.Options() }
		badKeys := func() map[string]any {
			return map[string]any{"access_key": s3server.AccessKey, "secret_key": "not-the-secret", "disable_ssl": true}
		}
		get := func(router transfer.Router, url string) (string, error) {
			body, _, err := router.Open(ctx, url, 0)
			if err != nil {
				return "", err
			}
			defer body.Close()
			data, err := io.ReadAll(body)
			return string(data), err
		}

		It("signs each URL with the credentials of the first handler that takes it", func() {
			router, err := urlhandlers.Router([]urlhandlers.Config{
				{Type: "s3", Include: []string{"/private/"}, Options: goodKeys()},
				{Type: "s3", Options: badKeys()},
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(get(router, server.URL("private", "file.txt"))).To(Equal("private bytes"))
			_, err = get(router, server.URL("other", "file.txt"))
			Expect(err).To(MatchError(ContainSubstring("access denied (SignatureDoesNotMatch")))
			Expect(err.Error()).NotTo(ContainSubstring("not-the-secret"))
		})

		It("applies an exclude-only handler to the URLs it does not exclude", func() {
			router, err := urlhandlers.Router([]urlhandlers.Config{
				{Type: "s3", Exclude: []string{"/other/"}, Options: goodKeys()},
				{Type: "s3", Options: badKeys()},
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(get(router, server.URL("private", "file.txt"))).To(Equal("private bytes"))
			_, err = get(router, server.URL("other", "file.txt"))
			Expect(err).To(MatchError(ContainSubstring("access denied (SignatureDoesNotMatch")))
		})
	})
})

var _ = Describe("Secrets", func() {
	It("lists every credential value of every handler", func() {
		secrets := urlhandlers.Secrets([]urlhandlers.Config{
			{Type: "s3", Options: map[string]any{"access_key": "AK1", "secret_key": "SK1", "region": "eu-west-1"}},
			{Type: "s3", Options: map[string]any{"access_key": "AK2", "secret_key": "SK2", "session_token": "ST2"}},
			{Type: "s3"},
		})
		Expect(secrets).To(ConsistOf("AK1", "SK1", "AK2", "SK2", "ST2"))
	})

	It("skips values that are not strings rather than failing", func() {
		Expect(urlhandlers.Secrets([]urlhandlers.Config{{Options: map[string]any{"secret_key": 12.0}}})).To(BeEmpty())
	})
})
