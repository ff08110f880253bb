package verify_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"aead.dev/minisign"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/sigstoretest"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// planError is NewPlan's error for f under opts.
func planError(f metalink.File, opts verify.Options) error {
	_, err := verify.NewPlan(f, opts)
	return err
}

// passError is the verdict's error of one pass over b.
func passError(f metalink.File, opts verify.Options, b []byte) error {
	plan, err := verify.NewPlan(f, opts)
	Expect(err).NotTo(HaveOccurred())
	checker := plan.Start()
	_, _ = write(checker, b)
	_, err = checker.Finish()
	return err
}

func signed(name string, sigs ...metalink.Signature) metalink.File {
	return metalink.File{Name: name, Signatures: sigs}
}

func run(dir string, name string, args ...string) string {
	GinkgoHelper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
	return string(out)
}

var _ = Describe("minisign signatures", func() {
	var pub minisign.PublicKey
	var priv minisign.PrivateKey
	var trust verify.Options

	BeforeEach(func() {
		var err error
		pub, priv, err = minisign.GenerateKey(rand.Reader)
		Expect(err).NotTo(HaveOccurred())
		text, err := pub.MarshalText()
		Expect(err).NotTo(HaveOccurred())
		keys, err := verify.ParseMinisignKeys(string(text))
		Expect(err).NotTo(HaveOccurred())
		trust = verify.Options{Trust: verify.Trust{Minisign: keys}}
	})

	sign := func(b []byte, comment string) metalink.Signature {
		r := minisign.NewReader(strings.NewReader(string(b)))
		_, err := r.Read(make([]byte, len(b)+1))
		Expect(err).NotTo(HaveOccurred())
		return metalink.Signature{MediaType: metalink.SignatureMinisign, Signature: string(r.SignWithComments(priv, comment, "signature from minisign secret key"))}
	}

	It("accepts a prehashed signature whose trusted comment names the file", func() {
		sig := sign(data, "timestamp:1700000000\tfile:go.tgz\thashed")
		Expect(verifyAll(signed("dir/go.tgz", sig), trust, data)).To(Equal([]string{
			`dir/go.tgz: minisign signature by key ` + fmt.Sprintf("%016X", pub.ID()) + ` (trusted comment "timestamp:1700000000\tfile:go.tgz\thashed") ok`,
		}))
	})

	It("rejects other bytes", func() {
		sig := sign(data, "file:go.tgz")
		Expect(passError(signed("go.tgz", sig), trust, append([]byte("x"), data...))).To(MatchError(HaveSuffix("does not match the file")))
	})

	It("rejects a signature of another file served under this name (rollback)", func() {
		sig := sign(data, "timestamp:1600000000\tfile:go1.20.tgz\thashed")
		Expect(passError(signed("go.tgz", sig), trust, data)).To(MatchError(ContainSubstring(
			`is for file "go1.20.tgz", not "go.tgz": a signature of another file`)))
	})

	It("rejects a trusted comment that names no file, or that was changed", func() {
		Expect(passError(signed("go.tgz", sign(data, "timestamp:1")), trust, data)).To(MatchError(ContainSubstring("names no file")))
		sig := sign(data, "file:other.tgz")
		sig.Signature = strings.Replace(sig.Signature, "trusted comment: file:other.tgz", "trusted comment: file:go.tgz", 1)
		Expect(passError(signed("go.tgz", sig), trust, data)).To(MatchError(ContainSubstring("trusted comment that the key did not sign")))
	})

	It("rejects a key that is not trusted and a legacy signature before reading the file", func() {
		_, stranger, err := minisign.GenerateKey(rand.Reader)
		Expect(err).NotTo(HaveOccurred())
		legacy := metalink.Signature{MediaType: metalink.SignatureMinisign, Signature: string(minisign.SignWithComments(stranger, data, "file:go.tgz", "x"))}
		Expect(planError(signed("go.tgz", legacy), trust)).To(MatchError(ContainSubstring("legacy one over the whole file")))
		r := minisign.NewReader(strings.NewReader(string(data)))
		_, _ = r.Read(make([]byte, len(data)+1))
		other := metalink.Signature{MediaType: metalink.SignatureMinisign, Signature: string(r.SignWithComments(stranger, "file:go.tgz", "x"))}
		Expect(planError(signed("go.tgz", other), trust)).To(MatchError(HaveSuffix("which is not among the trusted minisign public keys")))
	})

	It("verifies what the minisign tool signs", func() {
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "go.tgz"), data, 0o600)).To(Succeed())
		run(dir, "minisign", "-G", "-W", "-p", "key.pub", "-s", "key.sec")
		run(dir, "minisign", "-S", "-s", "key.sec", "-m", "go.tgz")
		pubText, err := os.ReadFile(filepath.Join(dir, "key.pub"))
		Expect(err).NotTo(HaveOccurred())
		keys, err := verify.ParseMinisignKeys(string(pubText))
		Expect(err).NotTo(HaveOccurred())
		sig, err := os.ReadFile(filepath.Join(dir, "go.tgz.minisig"))
		Expect(err).NotTo(HaveOccurred())
		f := signed("go.tgz", metalink.Signature{MediaType: metalink.SignatureMinisign, Signature: string(sig)})
		report, err := verifyAll(f, verify.Options{Trust: verify.Trust{Minisign: keys}}, data)
		Expect(err).NotTo(HaveOccurred())
		Expect(report).To(ConsistOf(MatchRegexp(`^go.tgz: minisign signature by key [0-9A-F]+ \(trusted comment "timestamp:\d+\\tfile:go.tgz\\thashed"\) ok$`)))
	})

	It("adds one BLAKE2b-512 writer to the pass for any number of minisign signatures, and none without one", func() {
		f := metalink.File{Name: "go.tgz", Size: uint64(len(data)), Hashes: []metalink.Hash{{Type: "sha-256", Hash: digest(sha256.New, data)}}}
		plan, err := verify.NewPlan(f, trust)
		Expect(err).NotTo(HaveOccurred())
		Expect(plan.Start().Writers()).To(HaveLen(2), "size and sha-256 only")
		f.Signatures = []metalink.Signature{sign(data, "file:go.tgz"), sign(data, "timestamp:2\tfile:go.tgz")}
		plan, err = verify.NewPlan(f, trust)
		Expect(err).NotTo(HaveOccurred())
		checker := plan.Start()
		Expect(checker.Writers()).To(HaveLen(3), "size, sha-256 and one BLAKE2b-512 for both signatures")
		_, _ = write(checker, data)
		Expect(checker.Finish()).To(HaveLen(4))
	})

	It("reads keys one a line, with or without their untrusted comment, and names a bad line", func() {
		text, err := pub.MarshalText()
		Expect(err).NotTo(HaveOccurred())
		keys, err := verify.ParseMinisignKeys("\n" + pub.String() + "\r\n" + string(text) + "\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(keys).To(HaveLen(2))
		_, err = verify.ParseMinisignKeys(pub.String() + "\nRWQnot-a-key\n")
		Expect(err).To(MatchError(HavePrefix("line 2: minisign: invalid public key")))
		_, err = verify.ParseMinisignKeys(" \n")
		Expect(err).To(MatchError("no minisign public key found"))
	})
})

var _ = Describe("SSH signatures", func() {
	var dir, allowed string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "release", "-f", "key")
		pub, err := os.ReadFile(filepath.Join(dir, "key.pub"))
		Expect(err).NotTo(HaveOccurred())
		allowed = strings.TrimSpace(string(pub))
		Expect(os.WriteFile(filepath.Join(dir, "go.tgz"), data, 0o600)).To(Succeed())
	})

	sshSign := func(namespace string) metalink.Signature {
		run(dir, "ssh-keygen", "-Y", "sign", "-f", "key", "-n", namespace, "go.tgz")
		sig, err := os.ReadFile(filepath.Join(dir, "go.tgz.sig"))
		Expect(err).NotTo(HaveOccurred())
		Expect(os.Remove(filepath.Join(dir, "go.tgz.sig"))).To(Succeed())
		return metalink.Signature{MediaType: metalink.SignatureSSH, Signature: string(sig)}
	}
	trusting := func(lines string) verify.Options {
		signers, err := verify.ParseAllowedSigners(lines)
		Expect(err).NotTo(HaveOccurred())
		return verify.Options{Trust: verify.Trust{SSH: signers}}
	}

	It("accepts what ssh-keygen -Y sign makes in the file namespace, and ssh-keygen agrees", func() {
		sig := sshSign("file")
		report, err := verifyAll(signed("go.tgz", sig), trusting("release@acme.example "+allowed), data)
		Expect(err).NotTo(HaveOccurred())
		Expect(report).To(ConsistOf(MatchRegexp(`^go.tgz: ssh signature by release@acme.example \(SHA256:\S+, namespace file\) ok$`)))
		Expect(os.WriteFile(filepath.Join(dir, "allowed"), []byte("release@acme.example "+allowed+"\n"), 0o600)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "go.tgz.sig"), []byte(sig.Signature), 0o600)).To(Succeed())
		cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", "allowed", "-I", "release@acme.example", "-n", "file", "-s", "go.tgz.sig")
		cmd.Dir, cmd.Stdin = dir, strings.NewReader(string(data))
		out, err := cmd.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
	})

	It("rejects other bytes", func() {
		Expect(passError(signed("go.tgz", sshSign("file")), trusting("r "+allowed), []byte("other"))).To(MatchError(HaveSuffix("does not match the file")))
	})

	It("holds a signer to its namespaces", func() {
		Expect(planError(signed("go.tgz", sshSign("git")), trusting("r "+allowed))).To(MatchError(ContainSubstring(`in namespace "git", which its allowed_signers entry does not allow`)))
		Expect(verifyAll(signed("go.tgz", sshSign("release")), trusting(`r namespaces="release,file" `+allowed), data)).To(HaveLen(1))
	})

	It("rejects a key that is not allowed before reading the file", func() {
		run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "other")
		other, err := os.ReadFile(filepath.Join(dir, "other.pub"))
		Expect(err).NotTo(HaveOccurred())
		Expect(planError(signed("go.tgz", sshSign("file")), trusting("r "+string(other)))).To(MatchError(MatchRegexp(`^ssh signature is by key SHA256:\S+, which is not among the ssh allowed signers$`)))
	})

	DescribeTable("refuses allowed_signers lines it cannot honour, naming the line",
		func(line, message string) {
			_, err := verify.ParseAllowedSigners("# team\n\n" + line)
			Expect(err).To(MatchError(message))
		},
		Entry("no key", "release@acme.example", "line 3: expected principals, then a key"),
		Entry("a certificate authority", "*@acme.example cert-authority ssh-ed25519 AAAA", "line 3: option cert-authority is not supported"),
		Entry("an expiry", `r valid-before="20300101" ssh-ed25519 AAAA`, "line 3: option valid-before is not supported"),
		Entry("an unknown option", `r colour=blue ssh-ed25519 AAAA`, `line 3: unknown option "colour"`),
	)

	It("names a line whose key cannot be read", func() {
		_, err := verify.ParseAllowedSigners("r ssh-ed25519 AAAA")
		Expect(err).To(MatchError(HavePrefix("line 1: key: ssh: no key found")))
	})

	It("says what is wrong with a signature that is not an SSH signature", func() {
		bad := metalink.Signature{MediaType: metalink.SignatureSSH, Signature: "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"}
		Expect(planError(signed("go.tgz", bad), trusting("r "+allowed))).To(MatchError(HavePrefix("ssh signature cannot be read: ")))
	})
})

var _ = Describe("Sigstore bundles", func() {
	const workflow = "release@acme.example"
	var store *sigstoretest.Sigstore
	var trustedRoot, timestampsOnly string

	BeforeEach(func() {
		var err error
		store, err = sigstoretest.New()
		Expect(err).NotTo(HaveOccurred())
		trustedRoot, err = store.TrustedRoot(true)
		Expect(err).NotTo(HaveOccurred())
		timestampsOnly, err = store.TrustedRoot(false)
		Expect(err).NotTo(HaveOccurred())
	})

	trusting := func(root string, identities ...verify.SigstoreIdentity) verify.Options {
		trust, err := verify.NewSigstoreTrust([]byte(root), identities, nil)
		Expect(err).NotTo(HaveOccurred())
		return verify.Options{Trust: verify.Trust{Sigstore: trust}}
	}
	exactly := verify.SigstoreIdentity{Issuer: sigstoretest.Issuer, Subject: workflow}
	bundleOf := func(text string, err error) metalink.Signature {
		Expect(err).NotTo(HaveOccurred())
		return metalink.Signature{MediaType: metalink.SignatureSigstore, Signature: text}
	}

	It("accepts an attestation whose subject is the file's sha256, saying who, which issuer and which log entry", func() {
		f := signed("tool.tgz", bundleOf(store.Attest(workflow, "tool.tgz", data)))
		Expect(verifyAll(f, trusting(trustedRoot, exactly), data)).To(Equal([]string{
			"tool.tgz: sigstore attestation by " + workflow + " (issuer " + sigstoretest.Issuer + ", log index 0) ok"}))
	})

	It("accepts a message signature with a signed timestamp under a root without a log, the subject matched by a regular expression", func() {
		f := signed("tool.tgz", bundleOf(store.SignBlob(workflow, data)))
		opts := trusting(timestampsOnly, verify.SigstoreIdentity{Issuer: sigstoretest.Issuer, SubjectRegexp: `^release@acme\.`})
		Expect(verifyAll(f, opts, data)).To(Equal([]string{
			"tool.tgz: sigstore signature by " + workflow + " (issuer " + sigstoretest.Issuer + ", signed timestamp only) ok"}))
	})

	It("requires a log entry where the pinned root has a log", func() {
		f := signed("tool.tgz", bundleOf(store.SignBlob(workflow, data)))
		Expect(passError(f, trusting(trustedRoot, exactly), data)).To(MatchError(HavePrefix("sigstore signature does not verify: failed to verify log inclusion")))
	})

	It("verifies several signatures of several kinds, each reported", func() {
		f := signed("tool.tgz", bundleOf(store.Attest(workflow, "tool.tgz", data)), bundleOf(store.Attest(workflow, "tool.tgz", data)))
		Expect(verifyAll(f, trusting(trustedRoot, exactly), data)).To(HaveLen(2))
	})

	It("accepts a keyed bundle by a configured public key, and refuses it by another", func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		Expect(err).NotTo(HaveOccurred())
		other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		Expect(err).NotTo(HaveOccurred())
		keyed := func(keys ...*ecdsa.PrivateKey) verify.Options {
			var pems []string
			for _, k := range keys {
				der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
				Expect(err).NotTo(HaveOccurred())
				pems = append(pems, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
			}
			trust, err := verify.NewSigstoreTrust([]byte(timestampsOnly), nil, pems)
			Expect(err).NotTo(HaveOccurred())
			return verify.Options{Trust: verify.Trust{Sigstore: trust}}
		}
		f := signed("tool.tgz", bundleOf(store.SignBlobWithKey(key, data)))
		Expect(verifyAll(f, keyed(other, key), data)).To(Equal([]string{"tool.tgz: sigstore signature by public key 2 (signed timestamp only) ok"}))
		Expect(passError(f, keyed(other), data)).To(MatchError(HavePrefix("sigstore signature does not verify: ")))
		Expect(planError(f, trusting(timestampsOnly, exactly))).To(MatchError("sigstore bundle is signed with a key, but no sigstore public_keys are configured"))
	})

	Describe("hostile bundles, each one clear line", func() {
		It("rejects an attestation of another digest", func() {
			f := signed("tool.tgz", bundleOf(store.Attest(workflow, "tool.tgz", []byte("the old release"))))
			Expect(passError(f, trusting(trustedRoot, exactly), data)).To(MatchError(And(
				HavePrefix("sigstore attestation does not verify: "), ContainSubstring("digest"), Not(ContainSubstring("\n")))))
		})

		It("rejects a message signature over other bytes", func() {
			f := signed("tool.tgz", bundleOf(store.SignBlob(workflow, []byte("the old release"))))
			Expect(passError(f, trusting(timestampsOnly, exactly), data)).To(MatchError(HavePrefix("sigstore signature does not verify: ")))
		})

		It("rejects a certificate of another identity or issuer", func() {
			f := signed("tool.tgz", bundleOf(store.Attest("mallory@evil.example", "tool.tgz", data)))
			Expect(passError(f, trusting(trustedRoot, exactly), data)).To(MatchError(And(
				HavePrefix("sigstore attestation does not verify: "), ContainSubstring("mallory@evil.example"))))
			g := signed("tool.tgz", bundleOf(store.Attest(workflow, "tool.tgz", data)))
			other := verify.SigstoreIdentity{Issuer: "https://accounts.example", Subject: workflow}
			Expect(passError(g, trusting(trustedRoot, other), data)).To(MatchError(HavePrefix("sigstore attestation does not verify: ")))
		})

		It("rejects a bundle without log entry or timestamp", func() {
			text, err := store.Attest(workflow, "tool.tgz", data)
			Expect(err).NotTo(HaveOccurred())
			stripped := editJSON(text, func(b map[string]any) {
				material := b["verificationMaterial"].(map[string]any)
				delete(material, "tlogEntries")
				delete(material, "timestampVerificationData")
			})
			f := signed("tool.tgz", metalink.Signature{MediaType: metalink.SignatureSigstore, Signature: stripped})
			err = firstError(f, trusting(trustedRoot, exactly), data)
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(HavePrefix("sigstore "))
		})

		It("rejects a tampered inclusion proof", func() {
			text, err := store.Attest(workflow, "tool.tgz", data)
			Expect(err).NotTo(HaveOccurred())
			tampered := editJSON(text, func(b map[string]any) {
				entry := b["verificationMaterial"].(map[string]any)["tlogEntries"].([]any)[0].(map[string]any)
				proof := entry["inclusionProof"].(map[string]any)
				proof["rootHash"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
			})
			f := signed("tool.tgz", metalink.Signature{MediaType: metalink.SignatureSigstore, Signature: tampered})
			Expect(firstError(f, trusting(trustedRoot, exactly), data)).To(MatchError(HavePrefix("sigstore attestation does not verify: failed to verify log inclusion")))
		})

		It("rejects a bundle from a deployment the pinned root does not trust", func() {
			elsewhere, err := sigstoretest.New()
			Expect(err).NotTo(HaveOccurred())
			f := signed("tool.tgz", bundleOf(elsewhere.Attest(workflow, "tool.tgz", data)))
			Expect(passError(f, trusting(trustedRoot, exactly), data)).To(MatchError(HavePrefix("sigstore attestation does not verify: ")))
		})

		It("refuses a bundle too large to be honest without parsing it", func() {
			huge := `{"mediaType":"` + strings.Repeat("x", 10<<20) + `"}`
			f := signed("tool.tgz", metalink.Signature{MediaType: metalink.SignatureSigstore, Signature: huge})
			Expect(planError(f, trusting(trustedRoot, exactly))).To(MatchError("sigstore signature of 10485776 bytes is larger than 262144, refused unread"))
		})

		It("refuses a deeply nested bundle with one line", func() {
			nested := `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}"
			f := signed("tool.tgz", metalink.Signature{MediaType: metalink.SignatureSigstore, Signature: nested})
			err := planError(f, trusting(trustedRoot, exactly))
			Expect(err).To(MatchError(HavePrefix("sigstore bundle cannot be read: ")))
			Expect(len(err.Error())).To(BeNumerically("<", 400))
		})

		It("fails a signature of a kind no trust is configured for, unless skipped", func() {
			f := signed("tool.tgz", bundleOf(store.Attest(workflow, "tool.tgz", data)))
			Expect(planError(f, verify.Options{})).To(MatchError(
				"the file has a sigstore signature but no sigstore is configured; configure it or set skip_signature_verification"))
			Expect(verifyAll(f, verify.Options{SkipSignature: true}, data)).To(BeEmpty())
		})
	})

	DescribeTable("refuses a configuration that cannot work, naming the field",
		func(root string, identities []verify.SigstoreIdentity, keys []string, message string) {
			_, err := verify.NewSigstoreTrust([]byte(root), identities, keys)
			Expect(err).To(MatchError(HavePrefix(message)))
		},
		Entry("no root", "", []verify.SigstoreIdentity{{Issuer: "i", Subject: "s"}}, nil, "trusted_root is required"),
		Entry("nobody trusted", "{}", nil, nil, "give identities, public_keys or both"),
		Entry("a root that is not one", "{}", []verify.SigstoreIdentity{{Issuer: "i", Subject: "s"}}, nil, "trusted_root: "),
	)

	It("names the identity that is wrong", func() {
		_, err := verify.NewSigstoreTrust([]byte(trustedRoot), []verify.SigstoreIdentity{{Issuer: "i", Subject: "s"}, {Issuer: "i", SubjectRegexp: "("}}, nil)
		Expect(err).To(MatchError(HavePrefix("identities[1].subject_regexp: ")))
		_, err = verify.NewSigstoreTrust([]byte(trustedRoot), []verify.SigstoreIdentity{{Subject: "s"}}, nil)
		Expect(err).To(MatchError("identities[0].issuer is required"))
		_, err = verify.NewSigstoreTrust([]byte(trustedRoot), nil, []string{"not pem"})
		Expect(err).To(MatchError(HavePrefix("public_keys[0]: not a PEM public key")))
	})
})

// firstError is NewPlan's error, or else the verdict's.
func firstError(f metalink.File, opts verify.Options, b []byte) error {
	plan, err := verify.NewPlan(f, opts)
	if err != nil {
		return err
	}
	checker := plan.Start()
	_, _ = write(checker, b)
	_, err = checker.Finish()
	return err
}

func editJSON(text string, edit func(map[string]any)) string {
	var doc map[string]any
	Expect(json.Unmarshal([]byte(text), &doc)).To(Succeed())
	edit(doc)
	out, err := json.Marshal(doc)
	Expect(err).NotTo(HaveOccurred())
	return string(out)
}
