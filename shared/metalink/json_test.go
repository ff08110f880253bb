package metalink_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

var _ = Describe("JSON", func() {
	It("writes plural keys and RFC 3339 dates", func() {
		written, err := metalink.MarshalJSON(fullDocument())
		Expect(err).NotTo(HaveOccurred())
		var generic map[string]any
		Expect(json.Unmarshal(written, &generic)).To(Succeed())
		Expect(generic).To(HaveKeyWithValue("published", "2010-05-01T12:15:02Z"))
		Expect(generic).To(HaveKeyWithValue("updated", "2010-05-02T08:00:00.5+02:00"))
		file := generic["files"].([]any)[0].(map[string]any)
		Expect(file).To(HaveKey("urls"))
		Expect(file).To(HaveKey("hashes"))
		Expect(file).To(HaveKey("metaurls"))
		Expect(file).To(HaveKey("languages"))
		Expect(file).To(HaveKey("oses"))
		Expect(file).To(HaveKey("pieces"))
	})

	It("keeps '&' in URLs readable and ends with a newline", func() {
		written, err := metalink.MarshalJSON(fullDocument())
		Expect(err).NotTo(HaveOccurred())
		Expect(string(written)).To(ContainSubstring(`"https://example.com/download?file=example-1.0.tar.gz&mirror=auto"`))
		Expect(string(written)).To(HaveSuffix("}\n"))
	})

	It("survives a round trip through the model", func() {
		written, err := metalink.MarshalJSON(fullDocument())
		Expect(err).NotTo(HaveOccurred())
		Expect(mustParse(written)).To(Equal(fullDocument()))
	})

	It("reads a metalink_get script's output as in the dynamic-metalink examples", func() {
		m := mustParse([]byte(`{"files":[{"name":"go1.10.3.linux-amd64.tar.gz","size":123,
			"urls":[{"url":"https://dl.google.com/go/go1.10.3.linux-amd64.tar.gz"}],
			"hashes":[{"type":"sha-256","hash":"fa1b0e45d3b647c252f51f5e1204aba049cde4af177ef9f2181f43004f901035"}],
			"signature":{"mediatype":"application/pgp-signature","signature":"-----BEGIN PGP SIGNATURE-----\n..."}}]}`))
		Expect(m.Validate()).To(Succeed())
		Expect(m.Files[0].Size).To(BeEquivalentTo(123))
		Expect(m.Files[0].Version).To(BeEmpty())
		Expect(m.Files[0].Signatures).To(HaveLen(1))
		Expect(m.Files[0].Signatures[0].MediaType).To(Equal("application/pgp-signature"))
	})

	It("reads empty lists as absent, as XML has no way to say otherwise", func() {
		m := mustParse([]byte(`{"files":[{"name":"a","urls":[],"hashes":[],"languages":[],"oses":[],"metaurls":[],"pieces":[],"signatures":[]}]}`))
		Expect(m.Files).To(Equal([]metalink.File{{Name: "a"}}))
	})

	It("ignores unknown keys, as unknown XML elements are", func() {
		m := mustParse([]byte(`{"files":[{"name":"a","mirrors":3}],"comment":"x"}`))
		Expect(m.Files).To(Equal([]metalink.File{{Name: "a"}}))
	})

	It("writes what it read from JSON as meta4", func() {
		written, err := metalink.MarshalXML(mustParse(readTestdata("full.json")))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(written)).To(Equal(string(readTestdata("full.meta4"))))
	})
})
