package integration_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/tlsca"
)

var _ = Describe("in over https from a server of a private CA", func() {
	var (
		dir, dest string
		content   []byte
		ca        *tlsca.CA
		fileURL   string
	)

	BeforeEach(func() {
		dir, dest = GinkgoT().TempDir(), GinkgoT().TempDir()
		content = patterned(50_000, 3)
		ca = tlsca.New(GinkgoT(), "dynamic-metalink test CA")
		server := ca.StartServer(GinkgoT(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write(content)
		}))
		fileURL = server.URL + "/app.tgz"
	})

	// getting is an in request for app.tgz from the TLS server, with extra
	// source keys.
	document := func() metalink.Metalink {
		return metalink.Metalink{Files: []metalink.File{{
			Name: "app.tgz", Size: uint64(len(content)), Version: "1.0.0", Hashes: hashes(content), URLs: []metalink.URL{{URL: fileURL}},
		}}}
	}
	getting := func(extra map[string]any) map[string]any {
		source := map[string]any{"version_check": "echo 1.0.0", "metalink_get": catScript(dir, document())}
		for key, value := range extra {
			source[key] = value
		}
		return map[string]any{"source": source, "version": map[string]any{"version": "1.0.0"}}
	}

	It("is refused without ca_certs, naming the URL", func() {
		r := execute(bin.In, getting(nil), dest)
		Expect(r.code).To(Equal(1))
		Expect(r.lastLine()).To(And(HavePrefix("in: "), ContainSubstring(fileURL), ContainSubstring("certificate signed by unknown authority")))
	})

	It("downloads with ca_certs and logs each request under debug", func() {
		r := execute(bin.In, getting(map[string]any{"ca_certs": []string{ca.PEM}, "debug": true}), dest)
		Expect(r.code).To(Equal(0), r.output())
		Expect(os.ReadFile(filepath.Join(dest, "app.tgz"))).To(Equal(content))
		Expect(r.lines()).To(ContainElement(MatchRegexp(`^debug: GET %s: 200, %d bytes, \S+$`, strings.ReplaceAll(fileURL, ".", `\.`), len(content))))
	})

	It("downloads with skip_ssl_verification, warning once", func() {
		r := execute(bin.In, getting(map[string]any{"skip_ssl_verification": true}), dest)
		Expect(r.code).To(Equal(0), r.output())
		Expect(strings.Count(r.stderr, "warning: source.skip_ssl_verification is on")).To(Equal(1))
	})

	Describe("with a metalink_get whose curl fetches the metalink from the same CA's server", func() {
		var curling func(extra map[string]any) map[string]any

		BeforeEach(func() {
			data, err := json.Marshal(document())
			Expect(err).NotTo(HaveOccurred())
			server := ca.StartServer(GinkgoT(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write(data)
			}))
			curling = func(extra map[string]any) map[string]any {
				request := getting(extra)
				request["source"].(map[string]any)["metalink_get"] = "curl -fsS " + server.URL + "/app.json"
				return request
			}
		})

		It("fails without ca_certs, as curl does", func() {
			r := execute(bin.In, curling(nil), dest)
			Expect(r.code).To(Equal(1))
			Expect(r.lastLine()).To(And(HavePrefix("in: metalink_get: "), ContainSubstring("exited with status 60")))
		})

		It("gives curl the system's CAs and ca_certs", func() {
			r := execute(bin.In, curling(map[string]any{"ca_certs": []string{ca.PEM}}), dest)
			Expect(r.code).To(Equal(0), r.output())
			Expect(os.ReadFile(filepath.Join(dest, "app.tgz"))).To(Equal(content))
		})
	})
})
