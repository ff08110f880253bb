package verify_test

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"

	"github.com/ProtonMail/go-crypto/openpgp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

var data = []byte(strings.Repeat("the quick brown fox jumps over the lazy dog\n", 100)) // 4400 bytes

func digest(newHash func() hash.Hash, b []byte) string {
	h := newHash()
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

func pieces(newHash func() hash.Hash, b []byte, length int) []string {
	var out []string
	for start := 0; start < len(b); start += length {
		out = append(out, digest(newHash, b[start:min(start+length, len(b))]))
	}
	return out
}

// write hands p to each of the checker's writers, as a fanout does from
// their goroutines, and returns the first failure.
func write(checker *verify.Checker, p []byte) (int, error) {
	for _, w := range checker.Writers() {
		if _, err := w.Write(p); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// verifyAll runs one pass over b with a fresh checker from f.
func verifyAll(f metalink.File, opts verify.Options, b []byte) ([]string, error) {
	plan, err := verify.NewPlan(f, opts)
	Expect(err).NotTo(HaveOccurred())
	checker := plan.Start()
	_, writeErr := write(checker, b)
	report, err := checker.Finish()
	if writeErr != nil {
		Expect(err).To(HaveOccurred(), "a write error must also fail the verdict")
	}
	return report, err
}

var _ = Describe("verifying hashes", func() {
	var sha512hex, sha256hex, sha1hex, md5hex string

	BeforeEach(func() {
		sha512hex, sha256hex = digest(sha512.New, data), digest(sha256.New, data)
		sha1hex, md5hex = digest(sha1.New, data), digest(md5.New, data)
	})

	DescribeTable("checks only the strongest known hash",
		func(hashes func() []metalink.Hash, report string) {
			f := metalink.File{Name: "go.tgz", Hashes: hashes()}
			Expect(verifyAll(f, verify.Options{}, data)).To(Equal([]string{report}))
		},
		Entry("sha-512 over wrong weaker ones", func() []metalink.Hash {
			return []metalink.Hash{{Type: "md5", Hash: sha1hex[:32]}, {Type: "sha-512", Hash: sha512hex}, {Type: "sha-1", Hash: md5hex + "00000000"}}
		}, "go.tgz: sha-512 ok"),
		Entry("sha-256 over sha-1", func() []metalink.Hash {
			return []metalink.Hash{{Type: "sha-1", Hash: sha1hex}, {Type: "sha-256", Hash: sha256hex}}
		}, "go.tgz: sha-256 ok"),
		Entry("sha-1 over md5 and an unknown type", func() []metalink.Hash {
			return []metalink.Hash{{Type: "whirlpool", Hash: "zz"}, {Type: "md5", Hash: md5hex}, {Type: "sha-1", Hash: sha1hex}}
		}, "go.tgz: sha-1 ok"),
		Entry("md5 alone", func() []metalink.Hash { return []metalink.Hash{{Type: "md5", Hash: md5hex}} }, "go.tgz: md5 ok"),
		Entry("sha-256 over a malformed md5 it never uses", func() []metalink.Hash {
			return []metalink.Hash{{Type: "md5", Hash: "not hex"}, {Type: "sha-256", Hash: sha256hex}}
		}, "go.tgz: sha-256 ok"),
		Entry("uppercase hex with whitespace and an upper-case type", func() []metalink.Hash {
			return []metalink.Hash{{Type: " SHA-256 ", Hash: "\n  " + strings.ToUpper(sha256hex) + "  \n"}}
		}, "go.tgz: sha-256 ok"),
	)

	DescribeTable("of sha-256 and sha-512, checks the one faster on this CPU and says so",
		func(sha256Faster bool, report string) {
			DeferCleanup(verify.PreferSHA256(sha256Faster))
			f := metalink.File{Name: "go.tgz", Hashes: []metalink.Hash{{Type: "sha-512", Hash: sha512hex}, {Type: "sha-256", Hash: sha256hex}}}
			Expect(verifyAll(f, verify.Options{}, data)).To(Equal([]string{report}))
		},
		Entry("sha-256 faster", true, "go.tgz: sha-256 ok (chosen over sha-512, which is slower on this CPU)"),
		Entry("sha-512 faster", false, "go.tgz: sha-512 ok (chosen over sha-256, which is slower on this CPU)"),
	)

	It("prefers the faster of sha-256 and sha-512 for pieces too", func() {
		DeferCleanup(verify.PreferSHA256(true))
		f := metalink.File{Name: "go.tgz", Pieces: []metalink.Pieces{
			{Type: "sha-512", Length: 1000, Hashes: pieces(sha512.New, data, 1000)},
			{Type: "sha-256", Length: 1000, Hashes: pieces(sha256.New, data, 1000)},
		}}
		Expect(verifyAll(f, verify.Options{}, data)).To(Equal([]string{"go.tgz: 5 sha-256 pieces ok"}))
	})

	It("keeps md5 and sha-1 as last resorts whatever the CPU", func() {
		DeferCleanup(verify.PreferSHA256(true))
		f := metalink.File{Name: "go.tgz", Hashes: []metalink.Hash{{Type: "md5", Hash: md5hex}, {Type: "sha-1", Hash: sha1hex}, {Type: "sha-512", Hash: sha512hex}}}
		Expect(verifyAll(f, verify.Options{}, data)).To(Equal([]string{"go.tgz: sha-512 ok"}))
	})

	It("fails on a wrong chosen hash even when another one matches", func() {
		DeferCleanup(verify.PreferSHA256(false))
		wrong := strings.Repeat("0", 128)
		f := metalink.File{Name: "go.tgz", Hashes: []metalink.Hash{{Type: "sha-256", Hash: sha256hex}, {Type: "sha-512", Hash: wrong}}}
		_, err := verifyAll(f, verify.Options{}, data)
		Expect(err).To(MatchError("sha-512 mismatch: expected " + wrong + ", got " + sha512hex))
	})

	It("compares the whole digest, not a prefix", func() {
		f := metalink.File{Name: "go.tgz", Hashes: []metalink.Hash{{Type: "sha-256", Hash: sha256hex}}}
		_, err := verifyAll(f, verify.Options{}, data[:len(data)-1])
		Expect(err).To(MatchError(HavePrefix("sha-256 mismatch: expected " + sha256hex)))
	})

	DescribeTable("rejects digests that are not hex of the right length before any byte moves",
		func(typ, digest, message string) {
			_, err := verify.NewPlan(metalink.File{Name: "go.tgz", Hashes: []metalink.Hash{{Type: typ, Hash: digest}}}, verify.Options{})
			Expect(err).To(MatchError(message))
		},
		Entry("too short", "sha-256", "abc", `sha-256 hash "abc" is not 64 hex digits`),
		Entry("not hex", "md5", strings.Repeat("g", 32), `md5 hash "gggggggggggggggggggggggggggggggg" is not 32 hex digits`),
		Entry("empty", "sha-1", "", `sha-1 hash "" is not 40 hex digits`),
	)

	It("rejects a file whose hashes are all of unknown types", func() {
		f := metalink.File{Name: "go.tgz", Hashes: []metalink.Hash{{Type: "sha3-256", Hash: "ab"}},
			Pieces: []metalink.Pieces{{Type: "tiger", Length: 10, Hashes: []string{"ab"}}}}
		_, err := verify.NewPlan(f, verify.Options{})
		Expect(err).To(MatchError(`no supported hash type among "sha3-256", "tiger" (pieces) (supported: sha-512, sha-256, sha-1, md5); set skip_hash_verification to download it unverified`))
	})

	It("says how to skip a check in the front end's words", func() {
		opts := verify.Options{Names: func(setting string) string { return "<" + setting + ">" }}
		_, err := verify.NewPlan(metalink.File{Name: "go.tgz", Hashes: []metalink.Hash{{Type: "sha3-256", Hash: "ab"}}}, opts)
		Expect(err).To(MatchError(HaveSuffix("; set <skip_hash_verification> to download it unverified")))
		signed := metalink.File{Name: "go.tgz", Signatures: []metalink.Signature{{MediaType: "application/pgp-signature", Signature: "x"}}}
		_, err = verify.NewPlan(signed, verify.Options{SkipHash: true, Names: opts.Names})
		Expect(err).To(MatchError("the file has a pgp signature but no <signature_trust_store> is configured; configure it or set <skip_signature_verification>"))
	})

	It("lets skip_hash_verification through a file with unknown hash types, checking no hash", func() {
		f := metalink.File{Name: "go.tgz", Hashes: []metalink.Hash{{Type: "sha3-256", Hash: "ab"}}}
		plan, err := verify.NewPlan(f, verify.Options{SkipHash: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(plan.HasHash()).To(BeFalse())
		Expect(verifyAll(f, verify.Options{SkipHash: true}, []byte("anything"))).To(BeEmpty())
	})

	It("skips every hash, even a wrong known one, when asked", func() {
		f := metalink.File{Name: "go.tgz", Hashes: []metalink.Hash{{Type: "sha-256", Hash: strings.Repeat("0", 64)}}}
		Expect(verifyAll(f, verify.Options{SkipHash: true}, data)).To(BeEmpty())
	})

	It("allows a file without any hash and says so", func() {
		plan, err := verify.NewPlan(metalink.File{Name: "go.tgz"}, verify.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(plan.HasHash()).To(BeFalse())
	})
})

var _ = Describe("verifying the size", func() {
	file := metalink.File{Name: "go.tgz", Size: uint64(len(data))}

	It("reports a matching size", func() {
		Expect(verifyAll(file, verify.Options{}, data)).To(Equal([]string{"go.tgz: size 4400 bytes ok"}))
	})

	It("fails as soon as more bytes arrive than expected", func() {
		plan, err := verify.NewPlan(file, verify.Options{})
		Expect(err).NotTo(HaveOccurred())
		checker := plan.Start()
		Expect(write(checker, data)).To(Equal(len(data)))
		_, err = write(checker, []byte("x"))
		Expect(err).To(MatchError("size mismatch: expected 4400 bytes, got more"))
		_, err = checker.Finish()
		Expect(err).To(MatchError("size mismatch: expected 4400 bytes, got 4401"))
	})

	It("fails on a short file", func() {
		_, err := verifyAll(file, verify.Options{}, data[:100])
		Expect(err).To(MatchError("size mismatch: expected 4400 bytes, got 100"))
	})

	It("is still checked when hashes are skipped", func() {
		_, err := verifyAll(file, verify.Options{SkipHash: true}, data[:100])
		Expect(err).To(MatchError("size mismatch: expected 4400 bytes, got 100"))
	})

	It("compares a size a server announces before the transfer", func() {
		plan, err := verify.NewPlan(file, verify.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(plan.Size()).To(Equal(int64(4400)))
		Expect(plan.CheckAnnouncedSize(4400)).To(Succeed())
		Expect(plan.CheckAnnouncedSize(-1)).To(Succeed())
		Expect(plan.CheckAnnouncedSize(10)).To(MatchError("size mismatch: expected 4400 bytes, the server announced 10"))
	})

	It("accepts any announced size when the metalink gives none", func() {
		plan, err := verify.NewPlan(metalink.File{Name: "go.tgz"}, verify.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(plan.Size()).To(Equal(int64(-1)))
		Expect(plan.CheckAnnouncedSize(10)).To(Succeed())
	})
})

var _ = Describe("verifying pieces", func() {
	const length = 1000

	piecesFile := func(hashes []string) metalink.File {
		return metalink.File{Name: "go.tgz", Pieces: []metalink.Pieces{{Type: "sha-256", Length: length, Hashes: hashes}}}
	}

	It("checks every piece, the last one short", func() {
		Expect(verifyAll(piecesFile(pieces(sha256.New, data, length)), verify.Options{}, data)).
			To(Equal([]string{"go.tgz: 5 sha-256 pieces ok"}))
	})

	It("fails on the first bad piece while its bytes arrive, naming it", func() {
		corrupt := append([]byte(nil), data...)
		corrupt[1500] ^= 0xff
		plan, err := verify.NewPlan(piecesFile(pieces(sha256.New, data, length)), verify.Options{})
		Expect(err).NotTo(HaveOccurred())
		checker := plan.Start()
		_, err = write(checker, corrupt[:1000])
		Expect(err).NotTo(HaveOccurred())
		_, err = write(checker, corrupt[1000:2000])
		Expect(err).To(MatchError(HavePrefix("sha-256 piece 1 mismatch: expected " + pieces(sha256.New, data, length)[1])))
		_, err = checker.Finish()
		Expect(err).To(MatchError(HavePrefix("sha-256 piece 1 mismatch")))
	})

	It("fails on bytes beyond the last piece", func() {
		_, err := verifyAll(piecesFile(pieces(sha256.New, data, length)), verify.Options{}, append(data, 'x'))
		Expect(err).To(MatchError(ContainSubstring("sha-256 piece 4 mismatch")))
		_, err = verifyAll(piecesFile(pieces(sha256.New, data[:4000], length)), verify.Options{}, data)
		Expect(err).To(MatchError("more bytes than the 4 sha-256 pieces of 1000 bytes cover"))
	})

	It("fails on a file that ends before the last piece", func() {
		_, err := verifyAll(piecesFile(pieces(sha256.New, data, length)), verify.Options{}, data[:2000])
		Expect(err).To(MatchError("file ended after 2 of 5 sha-256 pieces"))
	})

	It("uses the strongest known set of pieces and ignores unknown ones", func() {
		f := metalink.File{Name: "go.tgz", Pieces: []metalink.Pieces{
			{Type: "tiger", Length: 7, Hashes: []string{"nonsense"}},
			{Type: "sha-1", Length: length, Hashes: pieces(sha1.New, data, length)},
			{Type: "md5", Length: 10, Hashes: []string{strings.Repeat("0", 32)}},
		}}
		Expect(verifyAll(f, verify.Options{}, data)).To(Equal([]string{"go.tgz: 5 sha-1 pieces ok"}))
	})

	DescribeTable("rejects piece lists that cannot describe the file",
		func(set metalink.Pieces, size uint64, message string) {
			_, err := verify.NewPlan(metalink.File{Name: "go.tgz", Size: size, Pieces: []metalink.Pieces{set}}, verify.Options{})
			Expect(err).To(MatchError(message))
		},
		Entry("no length", metalink.Pieces{Type: "sha-1", Hashes: []string{strings.Repeat("0", 40)}}, uint64(0), "sha-1 pieces have no length"),
		Entry("no hashes", metalink.Pieces{Type: "sha-1", Length: 5}, uint64(0), "sha-1 pieces list no hash"),
		Entry("too few for the size", metalink.Pieces{Type: "sha-1", Length: 5, Hashes: []string{strings.Repeat("0", 40)}}, uint64(6),
			"1 sha-1 pieces of 5 bytes do not cover the size 6 (2 pieces would)"),
		Entry("a bad digest", metalink.Pieces{Type: "sha-1", Length: 5, Hashes: []string{strings.Repeat("0", 40), "xyz"}}, uint64(0),
			`piece 1: sha-1 hash "xyz" is not 40 hex digits`),
	)
})

var _ = Describe("verifying signatures", func() {
	signedFile := func(key *openpgp.Entity, signed []byte) metalink.File {
		return metalink.File{Name: "go.tgz", Signatures: []metalink.Signature{{MediaType: "application/pgp-signature", Signature: detachedSignature(key, signed)}}}
	}
	trusting := func(keys ...*openpgp.Entity) verify.Options {
		return verify.Options{Trust: verify.Trust{PGP: keys}}
	}

	It("accepts an ed25519 signature by a trusted key and names the signer", func() {
		Expect(verifyAll(signedFile(edKey, data), trusting(rsaKey, edKey), data)).To(Equal([]string{
			"go.tgz: pgp signature by " + edKey.PrimaryKey.KeyIdString() + " Ed Signer <signer@example.com> ok"}))
	})

	It("accepts an RSA signature by a trusted key", func() {
		Expect(verifyAll(signedFile(rsaKey, data), trusting(rsaKey), data)).To(Equal([]string{
			"go.tgz: pgp signature by " + rsaKey.PrimaryKey.KeyIdString() + " Rsa Signer <signer@example.com> ok"}))
	})

	It("rejects a signature over other bytes", func() {
		_, err := verifyAll(signedFile(edKey, data), trusting(edKey), append([]byte("tampered"), data...))
		Expect(err).To(MatchError(HavePrefix("pgp signature does not match the file")))
	})

	It("rejects a signature by a key outside the trust store before reading the file", func() {
		_, err := verify.NewPlan(signedFile(strangerKey, data), trusting(edKey, rsaKey))
		Expect(err).To(MatchError(fmt.Sprintf("pgp signature is by key %s, which is not in the signature trust store", strangerKey.PrimaryKey.KeyIdString())))
	})

	DescribeTable("refuses signatures it cannot check before any byte moves",
		func(signature metalink.Signature, trustEd bool, message string) {
			opts := verify.Options{}
			if trustEd {
				opts.Trust.PGP = openpgp.EntityList{edKey}
			}
			_, err := verify.NewPlan(metalink.File{Name: "go.tgz", Signatures: []metalink.Signature{signature}}, opts)
			Expect(err).To(MatchError(message))
		},
		Entry("no trust store", metalink.Signature{MediaType: "application/pgp-signature", Signature: "x"}, false,
			"the file has a pgp signature but no signature_trust_store is configured; configure it or set skip_signature_verification"),
		Entry("an unknown type", metalink.Signature{MediaType: "application/pkcs7-signature", Signature: "x"}, true,
			`unsupported signature type "application/pkcs7-signature" (supported: `+strings.Join(metalink.SignatureTypes(), ", ")+`); set skip_signature_verification to ignore it`),
		Entry("not armored", metalink.Signature{MediaType: "application/pgp-signature", Signature: "iQIzBAABCAAd"}, true,
			"the signature is not an ASCII-armored PGP signature block"),
		Entry("armored garbage", metalink.Signature{MediaType: "application/pgp-signature",
			Signature: "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n"}, true,
			"the signature cannot be read: openpgp: invalid data: tag byte does not have MSB set"),
	)

	It("ignores the signature when asked", func() {
		f := metalink.File{Name: "go.tgz", Signatures: []metalink.Signature{{MediaType: "application/x-minisign", Signature: "x"}}}
		Expect(verifyAll(f, verify.Options{SkipSignature: true}, data)).To(BeEmpty())
	})
})

var _ = Describe("a checker's writers", func() {
	It("verify independently when each is fed from its own goroutine", func() {
		f := edSignedFile(data)
		f.Size = uint64(len(data))
		f.Hashes = []metalink.Hash{{Type: "sha-512", Hash: digest(sha512.New, data)}}
		f.Pieces = []metalink.Pieces{{Type: "sha-1", Length: 512, Hashes: pieces(sha1.New, data, 512)}}
		plan, err := verify.NewPlan(f, verify.Options{Trust: verify.Trust{PGP: openpgp.EntityList{edKey}}})
		Expect(err).NotTo(HaveOccurred())
		checker := plan.Start()
		writers := checker.Writers()
		Expect(writers).To(HaveLen(4))
		var wg sync.WaitGroup
		for _, w := range writers {
			wg.Add(1)
			go func(w io.Writer) {
				defer GinkgoRecover()
				defer wg.Done()
				for start := 0; start < len(data); start += 300 {
					_, err := w.Write(data[start:min(start+300, len(data))])
					Expect(err).NotTo(HaveOccurred())
				}
			}(w)
		}
		wg.Wait()
		Expect(checker.Finish()).To(Equal([]string{
			"go.tgz: size 4400 bytes ok",
			"go.tgz: sha-512 ok",
			"go.tgz: 9 sha-1 pieces ok",
			"go.tgz: pgp signature by " + edKey.PrimaryKey.KeyIdString() + " Ed Signer <signer@example.com> ok",
		}))
	})
})

func edSignedFile(b []byte) metalink.File {
	return metalink.File{Name: "go.tgz", Signatures: []metalink.Signature{{MediaType: "application/pgp-signature", Signature: detachedSignature(edKey, b)}}}
}

var _ = Describe("pieces the caller checks", func() {
	const length = 1000
	piecesFile := func() metalink.File {
		return metalink.File{Name: "go.tgz", Size: uint64(len(data)),
			Hashes: []metalink.Hash{{Type: "sha-256", Hash: digest(sha256.New, data)}},
			Pieces: []metalink.Pieces{{Type: "sha-1", Length: length, Hashes: pieces(sha1.New, data, length)}}}
	}

	It("checks each piece in any order, leaves pieces out of the writers and reports them", func() {
		plan, err := verify.NewPlan(piecesFile(), verify.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(plan.PieceLength()).To(Equal(int64(length)))
		checker, own := plan.StartOwnPieces()
		Expect(checker.Writers()).To(HaveLen(2), "size and sha-256")
		for _, i := range []int{4, 0, 2, 1, 3} {
			piece := data[i*length : min((i+1)*length, len(data))]
			Expect(own.Check(i, piece[:10], piece[10:])).To(Succeed())
		}
		_, _ = write(checker, data)
		Expect(checker.Finish()).To(Equal([]string{"go.tgz: size 4400 bytes ok", "go.tgz: sha-256 ok", "go.tgz: 5 sha-1 pieces ok"}))
	})

	It("names a bad piece, and fails the file while a piece was not verified", func() {
		plan, err := verify.NewPlan(piecesFile(), verify.Options{})
		Expect(err).NotTo(HaveOccurred())
		checker, own := plan.StartOwnPieces()
		Expect(own.Check(1, data[:length])).To(MatchError(HavePrefix("sha-1 piece 1 mismatch: expected ")))
		Expect(own.Check(9, data[:length])).To(MatchError("no sha-1 piece 9: the file has 5"))
		_, _ = write(checker, data)
		_, err = checker.Finish()
		Expect(err).To(MatchError("0 of 5 sha-1 pieces verified"))
	})
})
