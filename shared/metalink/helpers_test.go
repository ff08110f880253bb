package metalink_test

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
)

func readTestdata(name string) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	Expect(err).NotTo(HaveOccurred())
	return data
}

func mustParse(data []byte) metalink.Metalink {
	m, err := metalink.Parse(data)
	Expect(err).NotTo(HaveOccurred())
	return m
}

func mustTime(text string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, text)
	Expect(err).NotTo(HaveOccurred())
	return &t
}

// fullDocument uses every field of the model; testdata/full.meta4 and
// testdata/full.json are the same document in the two formats.
func fullDocument() metalink.Metalink {
	return metalink.Metalink{
		Files: []metalink.File{
			{
				Name:        "tools/example-1.0.tar.gz",
				Copyright:   "© 2010 Example Ltd.\nAll rights reserved.",
				Description: "Example tools, release 1.0.",
				Hashes: []metalink.Hash{
					{Type: "sha-256", Hash: "3a1b6f0ce9b1c56a1eb4f3e0a4be1d1c2c9f8e1a0d7b6c5a4f3e2d1c0b9a8f7e"},
					{Type: "sha-1", Hash: "9C1185A5C5E9FC54612808977EE8F548B2258D31"},
				},
				Identity:  "Example Tools",
				Languages: []string{"en", "de"},
				Logo:      "https://example.com/logo.png",
				MetaURLs: []metalink.MetaURL{
					{Priority: fixtures.Priority(2), MediaType: "torrent", Name: "tools/example-1.0.tar.gz", URL: "https://example.com/example-1.0.torrent"},
				},
				OSes: []string{"Linux-x64"},
				Pieces: []metalink.Pieces{{
					Type:   "sha-1",
					Length: 1048576,
					Hashes: []string{
						"1f9a5e3c7d2b4a6e8c0f1d3b5a7c9e2f4d6b8a0c",
						"2e8b4d6f0a1c3e5b7d9f2a4c6e8b0d1f3a5c7e9b",
						"3d7c5e9a1b2f4d6a8c0e3b5d7f9a1c2e4b6d8f0a",
					},
				}},
				Publisher: &metalink.Publisher{Name: "Example Ltd.", URL: "https://example.com/"},
				Signatures: []metalink.Signature{{
					MediaType: "application/pgp-signature",
					Signature: "-----BEGIN PGP SIGNATURE-----\n\niHUEABYKAB0WIQTexampleexampleexampleexample=\n=AbCd\n-----END PGP SIGNATURE-----\n",
				}},
				Size: 2500000,
				URLs: []metalink.URL{
					{Location: "de", Priority: fixtures.Priority(1), URL: "ftp://ftp.example.de/pub/example-1.0.tar.gz"},
					{URL: "https://example.com/download?file=example-1.0.tar.gz&mirror=auto"},
				},
				Version: "1.0",
			},
			{Name: "README", URLs: []metalink.URL{{URL: "https://example.com/README"}}},
		},
		Generator: "metalink-resources/test",
		Origin:    &metalink.Origin{Dynamic: true, URL: "https://example.com/example.meta4"},
		Published: mustTime("2010-05-01T12:15:02Z"),
		Updated:   mustTime("2010-05-02T08:00:00.5+02:00"),
	}
}
