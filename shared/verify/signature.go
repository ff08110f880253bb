package verify

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// ParseTrustStore reads ASCII-armored public keys (one or more blocks).
func ParseTrustStore(armored string) (openpgp.EntityList, error) {
	blocks, err := armoredBlocks(armored)
	if err != nil {
		return nil, err
	}
	var keys openpgp.EntityList
	for i, block := range blocks {
		if header, _, _ := strings.Cut(block, "\n"); strings.Contains(header, "PRIVATE KEY") {
			return nil, fmt.Errorf("block %d is a private key; give public keys only", i+1)
		}
		entities, err := openpgp.ReadArmoredKeyRing(strings.NewReader(block))
		if err != nil {
			return nil, fmt.Errorf("block %d: %w", i+1, err)
		}
		keys = append(keys, entities...)
	}
	return keys, nil
}

// armoredBlocks splits text into its "-----BEGIN PGP …" to "-----END PGP …"
// blocks, since the armor decoder reads only the first block of a stream.
func armoredBlocks(text string) ([]string, error) {
	var blocks []string
	var current []string
	// Blocks pasted without a line break between them still split.
	text = strings.ReplaceAll(text, "-----BEGIN PGP ", "\n-----BEGIN PGP ")
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "-----BEGIN PGP "):
			if current != nil {
				return nil, fmt.Errorf("block %d has no END line", len(blocks)+1)
			}
			current = []string{trimmed}
		case current != nil:
			current = append(current, trimmed)
			if strings.HasPrefix(trimmed, "-----END PGP ") {
				blocks = append(blocks, strings.Join(current, "\n")+"\n")
				current = nil
			}
		}
	}
	if current != nil {
		return nil, fmt.Errorf("block %d has no END line", len(blocks)+1)
	}
	if len(blocks) == 0 {
		return nil, errors.New("no ASCII-armored public key block (-----BEGIN PGP PUBLIC KEY BLOCK-----) found")
	}
	return blocks, nil
}

type pgpSpec struct {
	armored string
	trust   openpgp.EntityList
}

// newPGPSpec rejects a signature that no trusted key made.
func newPGPSpec(sig metalink.Signature, trust openpgp.EntityList) (*pgpSpec, error) {
	issuer, err := SignatureIssuer(sig.Signature)
	if err != nil {
		return nil, err
	}
	if len(trust.KeysByIdUsage(issuer, packet.KeyFlagSign)) == 0 {
		return nil, fmt.Errorf("pgp signature is by key %016X, which is not in the signature trust store", issuer)
	}
	return &pgpSpec{armored: sig.Signature, trust: trust}, nil
}

// SignatureIssuer reads the signing key's id from an armored signature, so
// that a signature no trusted key made fails before any mirror is contacted.
func SignatureIssuer(armored string) (uint64, error) {
	block, err := armor.Decode(strings.NewReader(armored))
	if err != nil || block.Type != openpgp.SignatureType {
		return 0, errors.New("the signature is not an ASCII-armored PGP signature block")
	}
	pkt, err := packet.Read(block.Body)
	if err != nil {
		return 0, fmt.Errorf("the signature cannot be read: %w", err)
	}
	sig, ok := pkt.(*packet.Signature)
	if !ok || sig.IssuerKeyId == nil {
		return 0, errors.New("the signature block holds no signature with an issuer key id")
	}
	return *sig.IssuerKeyId, nil
}

// start runs the OpenPGP verification in its own goroutine, reading the
// file's bytes from a pipe, so the signature's hash runs beside the others.
func (s *pgpSpec) start() check {
	reader, writer := io.Pipe()
	c := &signatureCheck{writer: writer, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		c.signer, c.err = openpgp.CheckArmoredDetachedSignature(s.trust, reader, strings.NewReader(s.armored), nil)
		c.err = describeSignatureError(c.err)
		// An unknown signer is known before any data is read: fail the
		// writes at once instead of letting them block.
		_ = reader.CloseWithError(c.err)
	}()
	return c
}

type signatureCheck struct {
	writer *io.PipeWriter
	done   chan struct{}
	signer *openpgp.Entity // set by the goroutine before done closes
	err    error
}

func (c *signatureCheck) Write(p []byte) (int, error) { return c.writer.Write(p) }

func (c *signatureCheck) verdict() ([]string, error) {
	_ = c.writer.Close()
	<-c.done
	if c.err != nil {
		return nil, c.err
	}
	return []string{"pgp signature by " + describeSigner(c.signer) + " ok"}, nil
}

func describeSignatureError(err error) error {
	var invalid pgperrors.SignatureError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgperrors.ErrUnknownIssuer):
		return errors.New("pgp signature is not by any key in the signature trust store")
	case errors.As(err, &invalid):
		return fmt.Errorf("pgp signature does not match the file: %w", err)
	default:
		return fmt.Errorf("pgp signature: %w", err)
	}
}

// describeSigner gives the key id and the primary identity of the signer.
func describeSigner(signer *openpgp.Entity) string {
	id := signer.PrimaryKey.KeyIdString()
	if identity := signer.PrimaryIdentity(); identity != nil {
		return id + " " + identity.Name
	}
	return id
}
