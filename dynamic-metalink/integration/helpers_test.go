package integration_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// result is what a binary left behind.
type result struct {
	code    int
	stdout  string
	stderr  string
	elapsed time.Duration
}

// output describes the streams for a failed assertion.
func (r result) output() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
}

func (r result) lines() []string {
	return strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
}

// lastLine is the final stderr line: the fatal message when code is 1.
func (r result) lastLine() string {
	lines := r.lines()
	return lines[len(lines)-1]
}

// execute runs a binary as Concourse does: request as JSON on stdin (a string
// is sent as is), args after argv[0].
func execute(binary string, request any, args ...string) result {
	GinkgoHelper()
	stdin := &bytes.Buffer{}
	if text, ok := request.(string); ok {
		stdin.WriteString(text)
	} else {
		Expect(json.NewEncoder(stdin).Encode(request)).To(Succeed())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else {
		Expect(err).NotTo(HaveOccurred())
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String(), elapsed: elapsed}
}

// regularFiles lists the regular files under dir, slash separated.
func regularFiles(dir string) []string {
	GinkgoHelper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, path)
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	Expect(err).NotTo(HaveOccurred())
	return found
}

// writeScriptFile writes text under a fresh name in dir, where a script can
// cat it, and returns the path.
func writeScriptFile(dir, pattern string, text []byte) string {
	GinkgoHelper()
	f, err := os.CreateTemp(dir, pattern)
	Expect(err).NotTo(HaveOccurred())
	_, err = f.Write(text)
	Expect(err).NotTo(HaveOccurred())
	Expect(f.Close()).To(Succeed())
	return f.Name()
}

// catScript is a metalink_get that prints doc (JSON) as it is.
func catScript(dir string, doc metalink.Metalink) string {
	GinkgoHelper()
	data, err := json.Marshal(doc)
	Expect(err).NotTo(HaveOccurred())
	return fmt.Sprintf("cat '%s'", writeScriptFile(dir, "*.json", data))
}

// hashes gives content's sha-256 and sha-512 in metalink form.
func hashes(content []byte) []metalink.Hash {
	s256 := sha256.Sum256(content)
	s512 := sha512.Sum512(content)
	return []metalink.Hash{
		{Type: "sha-256", Hash: hex.EncodeToString(s256[:])},
		{Type: "sha-512", Hash: hex.EncodeToString(s512[:])},
	}
}

// pieceHashes gives the sha-256 of every length-byte piece of content.
func pieceHashes(content []byte, length int) metalink.Pieces {
	pieces := metalink.Pieces{Type: "sha-256", Length: uint64(length)}
	for start := 0; start < len(content); start += length {
		sum := sha256.Sum256(content[start:min(start+length, len(content))])
		pieces.Hashes = append(pieces.Hashes, hex.EncodeToString(sum[:]))
	}
	return pieces
}

// patterned returns size deterministic bytes that differ from piece to piece.
func patterned(size int, seed byte) []byte {
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i*7+i/251) ^ seed
	}
	return data
}

// deadURL is an http URL on a port where nothing listens any more.
func deadURL() string {
	GinkgoHelper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	address := listener.Addr().String()
	Expect(listener.Close()).To(Succeed())
	return "http://" + address
}

// mirrors is a set of HTTP mirrors on 127.0.0.1 behind one server. Every
// mirror serves the same files; its behaviour is the first path segment:
//
//	/good/NAME     the bytes, with Range support
//	/fail500/NAME  always 500
//	/cut/NAME      the first request gets half the bytes, then the
//	               connection is closed; later requests are served well
//	/corrupt/NAME  the right length, but one byte in the middle is wrong
type mirrors struct {
	server *httptest.Server
	files  map[string][]byte

	mu       sync.Mutex
	requests []string // "MIRROR/NAME RANGE"
	cut      map[string]bool
}

func newMirrors(files map[string][]byte) *mirrors {
	m := &mirrors{files: files, cut: map[string]bool{}}
	m.server = httptest.NewServer(http.HandlerFunc(m.serve))
	DeferCleanup(m.server.Close)
	return m
}

// url is where mirror serves name.
func (m *mirrors) url(mirror, name string) string {
	return m.server.URL + "/" + mirror + "/" + name
}

// seen lists the requests so far, as "MIRROR/NAME RANGE".
func (m *mirrors) seen() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.requests...)
}

func (m *mirrors) serve(w http.ResponseWriter, r *http.Request) {
	mirror, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	m.mu.Lock()
	m.requests = append(m.requests, strings.TrimSpace(mirror+"/"+name+" "+r.Header.Get("Range")))
	firstCut := mirror == "cut" && !m.cut[name]
	if firstCut {
		m.cut[name] = true
	}
	m.mu.Unlock()

	content, ok := m.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch {
	case mirror == "fail500":
		http.Error(w, "mirror is broken", http.StatusInternalServerError)
	case firstCut:
		cutMidway(w, content)
	case mirror == "corrupt":
		spoiled := bytes.Clone(content)
		spoiled[len(spoiled)/2] ^= 0xff
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(spoiled))
	case mirror == "good", mirror == "cut":
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(content))
	default:
		http.NotFound(w, r)
	}
}

// cutMidway announces the full length, sends half and drops the connection.
func cutMidway(w http.ResponseWriter, content []byte) {
	w.Header().Set("Content-Length", fmt.Sprint(len(content)))
	w.WriteHeader(http.StatusOK)
	// A client that is gone already sees a cut body too.
	_, _ = w.Write(content[:len(content)/2])
	w.(http.Flusher).Flush()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close() // dropping the connection is the point
	}
}

// signer is an OpenPGP key made for one test.
type signer struct {
	entity *openpgp.Entity
}

func newSigner(name string) signer {
	GinkgoHelper()
	entity, err := openpgp.NewEntity(name, "test key", strings.ToLower(name)+"@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	Expect(err).NotTo(HaveOccurred())
	return signer{entity: entity}
}

// publicKey is the armored public key, as signature_trust_store takes it.
func (s signer) publicKey() string {
	GinkgoHelper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	Expect(err).NotTo(HaveOccurred())
	Expect(s.entity.Serialize(w)).To(Succeed())
	Expect(w.Close()).To(Succeed())
	return buf.String()
}

// sign makes an armored detached signature of content.
func (s signer) sign(content []byte) []metalink.Signature {
	GinkgoHelper()
	var buf bytes.Buffer
	Expect(openpgp.ArmoredDetachSign(&buf, s.entity, bytes.NewReader(content), nil)).To(Succeed())
	return []metalink.Signature{{MediaType: "application/pgp-signature", Signature: buf.String()}}
}
