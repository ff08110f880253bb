package checksums_test

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// FuzzParse feeds arbitrary files and hash types to the parser: it must not
// panic, must fail with one short line, and whatever it accepts must be a
// safe name with a well-formed digest of the type it claims.
func FuzzParse(f *testing.F) {
	f.Add([]byte(strings.Repeat("c", 64)+"  app.tgz\n"), "")
	f.Add([]byte("SHA256 (app (1).tgz) = "+strings.Repeat("C", 64)+"\r\n"), "sha-256")
	f.Add([]byte("# c\n\n"+strings.Repeat("a", 32)+" *./dir/x\n"), "md5")
	f.Add([]byte(`\`+strings.Repeat("b", 40)+`  a\\b\n`), "")
	f.Add([]byte(strings.Repeat("d", 128)+"  ../x\n"), "sha-512")
	f.Fuzz(func(t *testing.T, data []byte, typ string) {
		entries, err := checksums.Parse(bytes.NewReader(data), typ)
		if err != nil {
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r") || len(msg) > 1000 {
				t.Fatalf("error is not one short line (%d bytes): %q", len(msg), msg)
			}
			return
		}
		for _, e := range entries {
			checkEntry(t, e, typ)
		}
	})
}

func checkEntry(t *testing.T, e checksums.Entry, typ string) {
	t.Helper()
	if err := metalink.ValidateName(e.Name); err != nil {
		t.Fatalf("accepted an unsafe name: %v", err)
	}
	// A type asked for in any spelling (sha512, SHA-512) gives entries of
	// its one name.
	if algo, err := checksums.Algorithm(typ); typ != "" && (err != nil || e.Type != algo.Name) {
		t.Fatalf("asked for %s, got a %s entry", typ, e.Type)
	}
	size := -1
	for _, algo := range verify.Algorithms() {
		if algo.Name == e.Type {
			size = algo.New().Size()
		}
	}
	raw, err := hex.DecodeString(e.Digest)
	if err != nil || len(raw) != size || e.Digest != strings.ToLower(e.Digest) {
		t.Fatalf("digest %q is not lower-case hex of a %s", e.Digest, e.Type)
	}
}
