package metalink_test

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

var _ = Describe("digests written as other ecosystems write them", func() {
	s256 := sha256.Sum256([]byte("app"))
	s512 := sha512.Sum512([]byte("app"))
	hex256, hex512 := hex.EncodeToString(s256[:]), hex.EncodeToString(s512[:])
	sri256, sri512 := "sha256-"+base64.StdEncoding.EncodeToString(s256[:]), "sha512-"+base64.StdEncoding.EncodeToString(s512[:])

	parseJSON := func(hashes string) (metalink.Metalink, error) {
		return metalink.Parse([]byte(`{"files":[{"name":"app.tgz","hashes":` + hashes + `}]}`))
	}

	DescribeTable("become RFC 5854 types and lower-case hex",
		func(hashes string, want []metalink.Hash) {
			m, err := parseJSON(hashes)
			Expect(err).NotTo(HaveOccurred())
			Expect(m.Files[0].Hashes).To(Equal(want))
		},
		Entry("an SRI string without a type", `[{"hash":"`+sri256+`"}]`, []metalink.Hash{{Type: "sha-256", Hash: hex256}}),
		Entry("an SRI string with its type", `[{"type":"sha-512","hash":"`+sri512+`"}]`, []metalink.Hash{{Type: "sha-512", Hash: hex512}}),
		Entry("several SRI digests in one string", `[{"hash":"`+sri512+` `+sri256+`"}]`,
			[]metalink.Hash{{Type: "sha-512", Hash: hex512}, {Type: "sha-256", Hash: hex256}}),
		Entry("a GitHub or OCI digest", `[{"hash":"sha256:`+hex256+`"}]`, []metalink.Hash{{Type: "sha-256", Hash: hex256}}),
		Entry("an upper-case one", `[{"type":"sha-256","hash":"SHA256:`+hex256[:10]+"ABCDEF"+hex256[16:]+`"}]`,
			[]metalink.Hash{{Type: "sha-256", Hash: hex256[:10] + "abcdef" + hex256[16:]}}),
		Entry("plain hex, as before", `[{"type":"sha-256","hash":"`+hex256+`"}]`, []metalink.Hash{{Type: "sha-256", Hash: hex256}}),
	)

	It("reads them in meta4 XML too", func() {
		m, err := metalink.Parse([]byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="app.tgz">` +
			`<hash type="sha-256">sha256:` + hex256 + `</hash></file></metalink>`))
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Files[0].Hashes).To(Equal([]metalink.Hash{{Type: "sha-256", Hash: hex256}}))
	})

	DescribeTable("are refused, naming the file, when they are wrong",
		func(hashes, want string) {
			_, err := parseJSON(hashes)
			Expect(err).To(MatchError(want))
		},
		Entry("a type that disagrees", `[{"type":"sha-512","hash":"`+sri256+`"}]`,
			`file "app.tgz": hash "`+sri256+`" is a sha-256 digest, but its type says "sha-512"`),
		Entry("bad base64", `[{"hash":"sha256-not*base64"}]`, `file "app.tgz": integrity "sha256-not*base64": not base64 after the dash`),
		Entry("bad hex", `[{"hash":"sha256:xyz"}]`, `file "app.tgz": digest "sha256:xyz": not hex after the colon`),
		Entry("a digest beside something else", `[{"hash":"`+sri256+` junk"}]`,
			`file "app.tgz": hash "`+sri256+` junk": expected one hex digest, or digests written as sha256:HEX or sha256-BASE64`),
	)
})
