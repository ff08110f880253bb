package network_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/tlsca"
)

var _ = Describe("Config.Compile", func() {
	var ca *tlsca.CA

	BeforeEach(func() {
		ca = tlsca.New(GinkgoT(), "network test CA")
	})

	DescribeTable("names the ca_certs entry at fault, never its text",
		func(entry, want string) {
			_, err := network.Config{CACerts: []string{ca.PEM, entry}}.Compile("source", io.Discard)
			Expect(err).To(MatchError(want))
			Expect(err.Error()).NotTo(ContainSubstring("BEGIN"))
		},
		Entry("text", "not a certificate", "source.ca_certs[1]: not a PEM certificate"),
		Entry("nothing", " \n", "source.ca_certs[1]: not a PEM certificate (empty)"),
		Entry("a private key", "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----\n", "source.ca_certs[1]: block 1 is a private key, not a certificate"),
		Entry("another PEM type", "-----BEGIN PUBLIC KEY-----\nc2VjcmV0\n-----END PUBLIC KEY-----\n", `source.ca_certs[1]: block 1 is not a certificate (PEM type "PUBLIC KEY")`),
		Entry("a certificate that does not parse", "-----BEGIN CERTIFICATE-----\nc2VjcmV0\n-----END CERTIFICATE-----\n", "source.ca_certs[1]: certificate 1 does not parse: x509: malformed certificate"),
		Entry("text after a certificate", "-----BEGIN CERTIFICATE-----\nc2VjcmV0\n-----END CERTIFICATE-----\ntrailing", "source.ca_certs[1]: certificate 1 does not parse: x509: malformed certificate"),
	)

	It("accepts an entry holding several certificates", func() {
		other := tlsca.New(GinkgoT(), "another CA")
		_, err := network.Config{CACerts: []string{ca.PEM + "\n" + other.PEM}}.Compile("source", io.Discard)
		Expect(err).NotTo(HaveOccurred())
	})

	Describe("against a TLS server of a private CA", func() {
		var url string

		BeforeEach(func() {
			server := ca.StartServer(GinkgoT(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, "trusted bytes")
			}))
			url = server.URL + "/file"
		})

		get := func(config network.Config, log io.Writer) (string, error) {
			client, err := config.Compile("source", log)
			Expect(err).NotTo(HaveOccurred())
			resp, err := client.HTTP.Get(url)
			if err != nil {
				return "", err
			}
			defer func() { _ = resp.Body.Close() }()
			body, err := io.ReadAll(resp.Body)
			return string(body), err
		}

		It("refuses it with the system's trust alone", func() {
			_, err := get(network.Config{}, io.Discard)
			Expect(err).To(MatchError(ContainSubstring("certificate signed by unknown authority")))
		})

		It("trusts it with its CA in ca_certs, beside the system's", func() {
			Expect(get(network.Config{CACerts: []string{ca.PEM}}, io.Discard)).To(Equal("trusted bytes"))
		})

		It("refuses it when ca_certs holds another CA", func() {
			other := tlsca.New(GinkgoT(), "another CA")
			_, err := get(network.Config{CACerts: []string{other.PEM}}, io.Discard)
			Expect(err).To(MatchError(ContainSubstring("certificate signed by unknown authority")))
		})

		It("accepts it under skip_ssl_verification, and warns once", func() {
			var log bytes.Buffer
			Expect(get(network.Config{SkipSSLVerification: true}, &log)).To(Equal("trusted bytes"))
			Expect(strings.Split(strings.TrimSpace(log.String()), "\n")).To(HaveExactElements(
				HavePrefix("warning: source.skip_ssl_verification is on: TLS certificates are not checked"),
			))
		})

		It("warns of nothing without skip_ssl_verification", func() {
			var log bytes.Buffer
			Expect(get(network.Config{CACerts: []string{ca.PEM}}, &log)).To(Equal("trusted bytes"))
			Expect(log.String()).To(BeEmpty())
		})
	})
})

var _ = Describe("the debug request log", func() {
	var (
		log    bytes.Buffer
		client *network.Client
		base   string
	)

	BeforeEach(func() {
		log.Reset()
		server := tlsca.New(GinkgoT(), "debug CA")
		site := server.StartServer(GinkgoT(), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/missing" {
				http.NotFound(w, r)
				return
			}
			_, _ = io.WriteString(w, "0123456789")
		}))
		base = site.URL
		var err error
		client, err = network.Config{CACerts: []string{server.PEM}, Debug: true}.Compile("source", &log)
		Expect(err).NotTo(HaveOccurred())
	})

	fetch := func(rawURL string, read int64) {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, rawURL, nil)
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Authorization", "Bearer header-token-value")
		resp, err := client.HTTP.Do(req)
		Expect(err).NotTo(HaveOccurred())
		_, _ = io.CopyN(io.Discard, resp.Body, read)
		Expect(resp.Body.Close()).To(Succeed())
	}

	It("writes one line per request: method, URL, status, bytes read, time", func() {
		fetch(base+"/file.tgz", 1<<20)
		fetch(base+"/missing", 0)
		Expect(strings.Split(strings.TrimSpace(log.String()), "\n")).To(HaveExactElements(
			MatchRegexp(`^debug: GET https://127\.0\.0\.1:\d+/file\.tgz: 200, 10 bytes, \d+(\.\d+)?m?s$`),
			MatchRegexp(`^debug: GET https://127\.0\.0\.1:\d+/missing: 404, 0 bytes, \d+(\.\d+)?m?s$`),
		))
	})

	It("counts the bytes read when the body is closed early", func() {
		fetch(base+"/file.tgz", 4)
		Expect(log.String()).To(ContainSubstring(": 200, 4 bytes, "))
	})

	It("never writes userinfo, a header or a signature in the query", func() {
		host := strings.TrimPrefix(base, "https://")
		fetch("https://ci:planted-password@"+host+"/file.tgz?X-Amz-Credential=AKIDPLANTED%2F20260101&X-Amz-Signature=planted-signature&versionId=7", 1<<20)
		line := log.String()
		Expect(line).To(ContainSubstring("/file.tgz?X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&versionId=7: 200"))
		for _, secret := range []string{"planted-password", "AKIDPLANTED", "planted-signature", "header-token-value", "ci:"} {
			Expect(line).NotTo(ContainSubstring(secret))
		}
	})

	It("says why a request failed", func() {
		_, err := client.HTTP.Get("https://127.0.0.1:1/refused")
		Expect(err).To(HaveOccurred())
		Expect(log.String()).To(MatchRegexp(`^debug: GET https://127\.0\.0\.1:1/refused: failed after \S+: dial tcp 127\.0\.0\.1:1: connect: connection refused\n$`))
	})
})

var _ = Describe("ViaContext", func() {
	var (
		url    string
		log    bytes.Buffer
		client *network.Client
	)

	BeforeEach(func() {
		ca := tlsca.New(GinkgoT(), "context test CA")
		server := ca.StartServer(GinkgoT(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "bytes")
		}))
		url = server.URL + "/repo.git/info/refs"
		log.Reset()
		trusted, err := network.Config{CACerts: []string{ca.PEM}, Debug: true}.Compile("source", &log)
		Expect(err).NotTo(HaveOccurred())
		client = trusted
	})

	get := func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		Expect(err).NotTo(HaveOccurred())
		resp, err := (&http.Client{Transport: network.ViaContext{}}).Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}

	It("sends a request with the client of its context", func() {
		Expect(get(network.WithClient(context.Background(), client))).To(Succeed())
		Expect(log.String()).To(MatchRegexp(`^debug: GET \S+/repo\.git/info/refs: 200, 5 bytes, \S+\n$`))
	})

	It("sends it with the system's trust when its context carries none", func() {
		Expect(get(context.Background())).To(MatchError(ContainSubstring("certificate signed by unknown authority")))
		Expect(log.String()).To(BeEmpty())
	})
})
