package httprepo_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/httprepo"
)

const (
	schema = "https://dpb587.github.io/metalink-repository/schema-0.1.0.xsd"
	rfc    = "urn:ietf:params:xml:ns:metalink"
)

// entryXML is one <metalink> of an index, in the form the metalink CLI writes.
func entryXML(path, version string) string {
	return `
  <metalink xmlns="` + rfc + `">
    <repository-reference xmlns="` + schema + `">
      <repository>https://example.com/repo</repository>
      <path>` + path + `</path>
    </repository-reference>
    <file name="app-` + version + `.tgz">
      <version>` + version + `</version>
      <size>3</size>
      <hash type="sha-256">2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae</hash>
      <url priority="1">https://example.com/app-` + version + `.tgz</url>
    </file>
  </metalink>`
}

func index(entries ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<repository xmlns="` + schema + `">` + strings.Join(entries, "") + `
</repository>`
}

var _ = Describe("an http repository", func() {
	var (
		ctx  context.Context
		body string
		code int
		srv  *httptest.Server
	)

	BeforeEach(func() {
		ctx = context.Background()
		code = http.StatusOK
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/index.xml" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(code)
			_, _ = w.Write([]byte(body))
		}))
		DeferCleanup(srv.Close)
	})

	open := func(uri string) repository.Repository {
		repo, err := repotest.Open(repository.Env{})(httprepo.Configure(uri, repotest.Names))
		Expect(err).NotTo(HaveOccurred())
		return repo
	}
	list := func() ([]repository.Entry, error) { return open(srv.URL + "/index.xml").List(ctx) }

	It("reads back what WriteIndex writes", func() {
		body = index(entryXML("v1.0.0.meta4", "1.0.0"), entryXML("beta/v2.0.0-rc.1.meta4", "2.0.0-rc.1"))
		entries, err := list()
		Expect(err).NotTo(HaveOccurred())
		entries = append(entries, repository.Entry{Path: "a <b> & c.meta4", Metalink: entries[0].Metalink})
		var out strings.Builder
		Expect(httprepo.WriteIndex(&out, entries)).To(Succeed())
		body = out.String()
		Expect(list()).To(Equal(entries))
	})

	It("lists every metalink of the index with its repository path", func() {
		body = index(entryXML("v1.0.0.meta4", "1.0.0"), entryXML("beta/v2.0.0-rc.1.meta4", "2.0.0-rc.1"))
		entries, err := list()
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(2))
		Expect(entries[0].Path).To(Equal("v1.0.0.meta4"))
		Expect(entries[1].Path).To(Equal("beta/v2.0.0-rc.1.meta4"))
		file := entries[1].Metalink.Files[0]
		Expect(file.Name).To(Equal("app-2.0.0-rc.1.tgz"))
		Expect(file.Version).To(Equal("2.0.0-rc.1"))
		Expect(file.Size).To(Equal(uint64(3)))
		Expect(file.Hashes).To(HaveLen(1))
		Expect(file.URLs[0].URL).To(Equal("https://example.com/app-2.0.0-rc.1.tgz"))
	})

	It("reads an index that binds the namespaces to prefixes on its root", func() {
		body = `<r:repository xmlns:r="` + schema + `" xmlns:m="` + rfc + `">
  <m:metalink>
    <r:repository-reference><r:path>v1.meta4</r:path></r:repository-reference>
    <m:file name="a.tgz"><m:version>1.0.0</m:version></m:file>
  </m:metalink>
</r:repository>`
		entries, err := list()
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(1))
		Expect(entries[0].Path).To(Equal("v1.meta4"))
		Expect(entries[0].Metalink.Files[0].Version).To(Equal("1.0.0"))
	})

	It("reads an empty index as an empty repository", func() {
		body = index()
		Expect(list()).To(BeEmpty())
	})

	It("ignores a repository-reference outside the schema namespace, as the original did", func() {
		body = index(strings.Replace(entryXML("v1.meta4", "1.0.0"), `<repository-reference xmlns="`+schema+`">`, `<repository-reference>`, 1))
		entries, err := list()
		Expect(err).NotTo(HaveOccurred())
		Expect(entries[0].Path).To(BeEmpty())
		Expect(entries[0].Metalink.Files[0].Version).To(Equal("1.0.0"))
	})

	DescribeTable("refuses an index it cannot read, saying where",
		func(document, want string) {
			body = document
			_, err := list()
			Expect(err).To(MatchError(HavePrefix("list " + srv.URL + "/index.xml: " + want)))
		},
		Entry("a metalink outside the RFC namespace (here in the index's default one)",
			index(entryXML("v1.meta4", "1.0.0"), strings.Replace(entryXML("v2.meta4", "2.0.0"), `<metalink xmlns="`+rfc+`">`, `<metalink>`, 1)),
			`index: metalink 2: element <metalink> is in namespace "`+schema+`", expected urn:ietf:params:xml:ns:metalink`),
		Entry("an unparsable metalink, named by its path",
			index(strings.Replace(entryXML("v1.meta4", "1.0.0"), "<size>3</size>", "<size>three</size>", 1)),
			`index: metalink 1 (v1.meta4): `),
		Entry("another root element", `<metalink xmlns="`+rfc+`"/>`, "index: root element is <metalink>, expected <repository>"),
		Entry("an empty body", "", "index: the document is empty"),
		Entry("plain text", "Service moved", "index: not XML: text before the root element"),
		Entry("a truncated document", index(entryXML("v1.meta4", "1.0.0"))[:300], "index: "),
	)

	It("fails on any answer but 200 OK instead of reporting an empty repository", func() {
		code = http.StatusServiceUnavailable
		body = index(entryXML("v1.meta4", "1.0.0"))
		_, err := list()
		Expect(err).To(MatchError("list " + srv.URL + "/index.xml: server answered 503 Service Unavailable"))
	})

	It("fails on a missing index", func() {
		_, err := open(srv.URL + "/missing.xml").List(ctx)
		Expect(err).To(MatchError("list " + srv.URL + "/missing.xml: server answered 404 Not Found"))
	})

	It("fails on an unreachable server without printing URL credentials", func() {
		uri := strings.Replace(srv.URL, "http://", "http://user:hunter2@", 1) + "/index.xml"
		srv.Close()
		_, err := open(uri).List(ctx)
		Expect(err).To(MatchError(ContainSubstring("connection refused")))
		Expect(err.Error()).NotTo(ContainSubstring("hunter2"))
	})

	DescribeTable("fails with the reason it was stopped for, whatever was on its way",
		func(headersFirst bool) {
			arrived, release := make(chan struct{}), make(chan struct{})
			defer close(release)
			stalling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if headersFirst {
					_, _ = w.Write([]byte(index(entryXML("v1.meta4", "1.0.0"))[:200]))
					Expect(http.NewResponseController(w).Flush()).To(Succeed())
				}
				close(arrived)
				<-release
			}))
			DeferCleanup(stalling.Close)
			stopped, stop := context.WithCancelCause(context.Background())
			go func() {
				defer GinkgoRecover()
				<-arrived
				stop(errors.New("terminated signal received"))
			}()
			_, err := open(stalling.URL + "/index.xml").List(stopped)
			Expect(err).To(MatchError("list " + stalling.URL + "/index.xml: terminated signal received"))
		},
		Entry("while waiting for the answer", false),
		Entry("while the index arrives", true),
	)

	It("refuses to put", func() {
		err := open(srv.URL+"/index.xml").Put(ctx, repository.Document{Name: "v1.meta4", Data: []byte("<metalink/>")})
		Expect(err).To(MatchError("http repository is read-only: put is not supported"))
	})

	It("does not print a password with an unencoded slash from a uri it cannot parse", func() {
		_, err := repotest.Open(repository.Env{})(httprepo.Configure("https://ci:hunter2/s3cret@example.com/index.xml", repotest.Names))
		Expect(err).To(MatchError(`source.uri "https://[redacted]@example.com/index.xml": expected http(s)://HOST/PATH of a repository index`))
	})

	DescribeTable("refuses bad configuration",
		func(uri, want string) {
			_, err := httprepo.Configure(uri, repotest.Names)
			Expect(err).To(MatchError(want))
		},
		Entry("another scheme", "ftp://example.com/index.xml",
			`source.uri "ftp://example.com/index.xml": expected http(s)://HOST/PATH of a repository index`),
		Entry("no host", "https:///index.xml",
			`source.uri "https:///index.xml": expected http(s)://HOST/PATH of a repository index`),
	)
})
