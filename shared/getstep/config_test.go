package getstep_test

import (
	"io"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

var _ = Describe("Source.Compile", func() {
	It("builds the file selection, the router and the verification once", func() {
		settings, err := getstep.Source{
			IncludeFiles: []string{"*.tgz"}, ExcludeFiles: []string{"*-debug.tgz"}, SkipSignatureVerification: true,
			URLHandlers: []urlhandlers.Config{{Type: "s3"}},
		}.Compile(io.Discard)
		Expect(err).NotTo(HaveOccurred())
		settings, err = settings.WithParams(getstep.Params{IncludeFiles: []string{"app-*"}})
		Expect(err).NotTo(HaveOccurred())

		Expect(settings.Files.Selected("app-1.tgz")).To(BeTrue())
		Expect(settings.Files.Selected("app-1-debug.tgz")).To(BeFalse())
		Expect(settings.Files.Selected("lib-1.tgz")).To(BeFalse())
		Expect(settings.Verify.SkipSignature).To(BeTrue())
		Expect(settings.Handlers.Router().Handles("s3://host/bucket/key")).To(BeTrue())
	})

	DescribeTable("names the key at fault",
		func(src getstep.Source, params getstep.Params, want string) {
			settings, err := src.Compile(io.Discard)
			if err == nil {
				_, err = settings.WithParams(params)
			}
			Expect(err).To(MatchError(want))
		},
		Entry("a source include glob", getstep.Source{IncludeFiles: []string{"["}}, getstep.Params{},
			`source.include_files[0]: bad pattern "[": syntax error in pattern`),
		Entry("a source exclude glob", getstep.Source{ExcludeFiles: []string{"ok", "[a-"}}, getstep.Params{},
			`source.exclude_files[1]: bad pattern "[a-": syntax error in pattern`),
		Entry("a params include glob", getstep.Source{}, getstep.Params{IncludeFiles: []string{"["}},
			`params.include_files[0]: bad pattern "[": syntax error in pattern`),
		Entry("a trust store", getstep.Source{SignatureTrustStore: "/etc/keyring.gpg"}, getstep.Params{},
			"source.signature_trust_store: no ASCII-armored public key block (-----BEGIN PGP PUBLIC KEY BLOCK-----) found"),
		Entry("a url handler", getstep.Source{URLHandlers: []urlhandlers.Config{{Type: "gcs"}}}, getstep.Params{},
			`source.url_handlers[0].type: unknown type "gcs" (expected s3)`),
		Entry("source.download.split", getstep.Source{Download: &getstep.DownloadConfig{Split: ptr(0)}}, getstep.Params{},
			"source.download.split: 0 is not between 1 and 16"),
		Entry("params.download.max_connections_per_server", getstep.Source{}, getstep.Params{Download: &getstep.DownloadConfig{MaxConnectionsPerServer: ptr(17)}},
			"params.download.max_connections_per_server: 17 is not between 1 and 16"),
		Entry("source.download.max_connections_per_host", getstep.Source{Download: &getstep.DownloadConfig{MaxConnectionsPerHost: ptr(0)}}, getstep.Params{},
			"source.download.max_connections_per_host: 0 is not between 1 and 16"),
		Entry("a min_split_size that is not a size", getstep.Source{Download: &getstep.DownloadConfig{MinSplitSize: "16 parsecs"}}, getstep.Params{},
			`source.download.min_split_size: "16 parsecs" is not a size (bytes, or a number with a unit: 16MiB, 20M, 1GB)`),
		Entry("a min_split_size below 1 MiB", getstep.Source{}, getstep.Params{Download: &getstep.DownloadConfig{MinSplitSize: "512K"}},
			`params.download.min_split_size: "512K" is less than 1 MiB`),
	)
})

func ptr(n int) *int { return &n }

var _ = Describe("the download settings", func() {
	decode := func(request string) (getstep.Settings, error) {
		var req getstep.InRequest[getstep.Source]
		if err := strictjson.Decode([]byte(request), "", &req); err != nil {
			return getstep.Settings{}, err
		}
		settings, err := req.Source.Compile(io.Discard)
		if err != nil {
			return settings, err
		}
		return settings.WithParams(req.Params)
	}

	It("defaults to 4 connections, 1 per server, from 16 MiB on", func() {
		settings, err := decode(`{"source":{},"version":{"version":"1"}}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(settings.Download(nil).Segments).To(Equal(download.Segments{}))
	})

	DescribeTable("reads source.download, with params.download laid over it key by key",
		func(request string, want download.Segments) {
			settings, err := decode(request)
			Expect(err).NotTo(HaveOccurred())
			Expect(settings.Download(nil).Segments).To(Equal(want))
		},
		Entry("every key, min_split_size as a number",
			`{"source":{"download":{"split":8,"max_connections_per_server":2,"max_connections_per_host":3,"min_split_size":1048576}},"version":{"version":"1"}}`,
			download.Segments{Split: 8, PerServer: 2, PerHost: 3, MinSize: 1 << 20}),
		Entry("binary units", `{"source":{"download":{"min_split_size":"16MiB"}},"version":{"version":"1"}}`, download.Segments{MinSize: 16 << 20}),
		Entry("aria2's short units", `{"source":{"download":{"min_split_size":"20M"}},"version":{"version":"1"}}`, download.Segments{MinSize: 20 << 20}),
		Entry("decimal units", `{"source":{"download":{"min_split_size":"2 GB"}},"version":{"version":"1"}}`, download.Segments{MinSize: 2e9}),
		Entry("params over source, per key",
			`{"source":{"download":{"split":8,"min_split_size":"32M"}},"params":{"download":{"split":2,"max_connections_per_server":4}},"version":{"version":"1"}}`,
			download.Segments{Split: 2, PerServer: 4, MinSize: 32 << 20}),
	)

	DescribeTable("refuses what is not a download setting, naming the key",
		func(request, message string) {
			_, err := decode(request)
			Expect(err).To(MatchError(message))
		},
		Entry("an unknown key", `{"source":{"download":{"splits":2}},"version":{"version":"1"}}`,
			`unknown key "source.download.splits"`),
		Entry("a split that is a string", `{"source":{"download":{"split":"4"}},"version":{"version":"1"}}`,
			"source.download.split: expected a whole number, got a string"),
		Entry("a min_split_size that is a list", `{"params":{"download":{"min_split_size":[1]}},"source":{},"version":{"version":"1"}}`,
			"params.download.min_split_size: expected a number or a string, got a list"),
	)
})
