package verify_test

import (
	"strings"
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/sigstoretest"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// Fixed trust for the fuzz targets: a minisign key, an SSH key and a
// virtual Sigstore's root.
const (
	fuzzMinisignKey = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"
	fuzzSSHSigner   = "release@acme.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICPGj2HaLTfp60mi7OCOz11r3itGfDER5vZW1Q4c5Bwc"
)

// oneShortLine fails t when msg is not one line a build log can print.
func oneShortLine(t *testing.T, msg string) {
	t.Helper()
	if strings.ContainsAny(msg, "\n\r") || len(msg) > 1000 {
		t.Fatalf("error is not one short line (%d bytes): %q", len(msg), msg)
	}
}

func fuzzTrust(f *testing.F) verify.Options {
	minisignKeys, err := verify.ParseMinisignKeys(fuzzMinisignKey)
	if err != nil {
		f.Fatal(err)
	}
	signers, err := verify.ParseAllowedSigners(fuzzSSHSigner)
	if err != nil {
		f.Fatal(err)
	}
	store, err := sigstoretest.New()
	if err != nil {
		f.Fatal(err)
	}
	root, err := store.TrustedRoot(true)
	if err != nil {
		f.Fatal(err)
	}
	sigstore, err := verify.NewSigstoreTrust([]byte(root), []verify.SigstoreIdentity{{Issuer: sigstoretest.Issuer, Subject: "a@b"}}, nil)
	if err != nil {
		f.Fatal(err)
	}
	return verify.Options{Trust: verify.Trust{Minisign: minisignKeys, SSH: signers, Sigstore: sigstore}}
}

// FuzzSignature feeds arbitrary signatures of every new kind to the plan
// and a pass: no panic, and every refusal is one short line.
func FuzzSignature(f *testing.F) {
	opts := fuzzTrust(f)
	store, err := sigstoretest.New()
	if err != nil {
		f.Fatal(err)
	}
	bundle, err := store.Attest("a@b", "go.tgz", []byte("data"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(0), "untrusted comment: x\nRUQf6LRCGA9i5wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ntrusted comment: file:go.tgz\nAAAA\n")
	f.Add(uint8(1), "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ==\n-----END SSH SIGNATURE-----\n")
	f.Add(uint8(2), bundle)
	f.Add(uint8(2), `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{}}`)
	types := []string{metalink.SignatureMinisign, metalink.SignatureSSH, metalink.SignatureSigstore}
	f.Fuzz(func(t *testing.T, kind uint8, text string) {
		file := metalink.File{Name: "go.tgz", Signatures: []metalink.Signature{{MediaType: types[int(kind)%len(types)], Signature: text}}}
		plan, err := verify.NewPlan(file, opts)
		if err != nil {
			oneShortLine(t, err.Error())
			return
		}
		checker := plan.Start()
		for _, w := range checker.Writers() {
			_, _ = w.Write([]byte("data"))
		}
		if _, err := checker.Finish(); err != nil {
			oneShortLine(t, err.Error())
		}
	})
}

// FuzzTrustConfig feeds arbitrary minisign keys and allowed_signers text to
// their parsers.
func FuzzTrustConfig(f *testing.F) {
	f.Add(fuzzMinisignKey, fuzzSSHSigner)
	f.Add("untrusted comment: minisign public key\n"+fuzzMinisignKey+"\n", `* namespaces="file,git" `+strings.TrimPrefix(fuzzSSHSigner, "release@acme.example "))
	f.Add("", "# only a comment\n\nr cert-authority ssh-rsa AAAA")
	f.Fuzz(func(t *testing.T, minisignKeys, allowedSigners string) {
		_, err := verify.TrustConfig{Minisign: minisignKeys, SSHAllowedSigners: allowedSigners}.Compile(nil)
		if err != nil {
			oneShortLine(t, err.Error())
		}
	})
}
