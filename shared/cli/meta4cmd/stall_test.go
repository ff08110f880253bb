package meta4cmd_test

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/hostileserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/planted"
)

// stallAfter is how many bytes of its answer the stall server sends.
const stallAfter = 4096

// stallServer answers every GET with the headers of the whole answer (206
// and the Content-Range for "Range: bytes=N-", else 200) and its first
// stallAfter bytes, and then sends nothing more until the client goes away
// or the spec ends: a mirror that stalls, far short of the tool's stall
// timeout (transfer.DefaultStallTimeout, two minutes).
type stallServer struct {
	URL  string
	hits atomic.Int64
	seen chan struct{} // one value per stalled answer, while room is left
}

func startStallServer(content []byte) *stallServer {
	s := &stallServer{seen: make(chan struct{}, 16)}
	release := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		start, status := 0, http.StatusOK
		if from, ok := strings.CutPrefix(r.Header.Get("Range"), "bytes="); ok && strings.HasSuffix(from, "-") {
			n, err := strconv.Atoi(strings.TrimSuffix(from, "-"))
			if err != nil || n >= len(content) {
				http.Error(w, "bad range", http.StatusRequestedRangeNotSatisfiable)
				return
			}
			start, status = n, http.StatusPartialContent
			w.Header().Set("Content-Range", "bytes "+strconv.Itoa(n)+"-"+strconv.Itoa(len(content)-1)+"/"+strconv.Itoa(len(content)))
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(content)-start))
		w.WriteHeader(status)
		_, _ = w.Write(content[start:min(start+stallAfter, len(content))])
		w.(http.Flusher).Flush()
		select {
		case s.seen <- struct{}{}:
		default:
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	s.URL = server.URL
	DeferCleanup(func() {
		close(release) // frees the stalled handlers, or Close would wait for them
		server.CloseClientConnections()
		server.Close()
	})
	return s
}

// secretURL is where the stall server serves name, with the planted
// password in its userinfo.
func (s *stallServer) secretURL(name string) string {
	return "http://user:" + planted.Password + "@" + strings.TrimPrefix(s.URL, "http://") + "/" + name
}

var _ = Describe("meta4 file-download from a mirror that stalls", func() {
	It("takes the file from the other mirror of its class, whole and verified, without waiting for the stall timeout", func() {
		// Large enough to be fetched from both mirrors at once, in blocks:
		// the good mirror races the blocks the stalled one holds. A smaller
		// file is read from one URL after the other, and a stall there costs
		// the stall timeout for every try of that URL.
		big := make([]byte, download.DefaultMinSplitSize+(1<<20)+12345)
		_, _ = rand.NewChaCha8([32]byte{'s', 't', 'a', 'l', 'l'}).Read(big)
		stall := startStallServer(big)
		good := hostileserver.Start(GinkgoT(), map[string][]byte{"big.tgz": big})
		w := newHostileWorld()
		w.document(formatMeta4, describedAs("big.tgz", string(big), stall.secretURL("big.tgz"), good.FileURL("ok", "big.tgz")))

		started := time.Now()
		r := w.tool(binary).Run("--metalink=x.meta4", "file-download", destPath+"/")
		Expect(r.Code).To(Equal(0), "stderr: %s", r.Stderr)
		Expect(time.Since(started)).To(BeNumerically("<", 60*time.Second))
		Expect(filetree.Read(filepath.Join(w.work, destPath, "big.tgz")) == string(big)).To(BeTrue(), "the file is not the content served")
		Expect(stall.hits.Load()).To(BeNumerically(">", 0), "the stalling mirror was never asked")
		Expect(entries(filepath.Join(w.work, destPath))).To(ConsistOf("keep.txt", "big.tgz"))
		Expect(r.Stderr).NotTo(ContainSubstring(planted.Password))
	})

	It("stops at an interrupt, with one line, no secret and nothing left in the destination", func() {
		stall := startStallServer([]byte(payload))
		w := newHostileWorld()
		w.document(formatMeta4, payloadFile("payload.tgz", stall.secretURL("payload.tgz")))
		before := filetree.Snapshot(w.work)

		run := w.tool(binary).Start("--metalink=x.meta4", "file-download", destPath+"/")
		Eventually(stall.seen).WithTimeout(time.Minute).Should(Receive())
		// The first bytes wait in a stage beside the file's name.
		Expect(entries(filepath.Join(w.work, destPath))).To(ContainElement(HavePrefix(".meta4-download-")))
		run.Signal(os.Interrupt)
		r := run.Wait()
		Expect(r.Code).To(Equal(1), "stdout: %s\nstderr: %s", r.Stdout, r.Stderr)
		Expect(r.Stdout).To(BeEmpty())
		// The progress meter may say, before the error line, how far it got.
		lines := strings.Split(strings.TrimSuffix(r.Stderr, "\n"), "\n")
		Expect(lines[len(lines)-1]).To(Equal("meta4 file-download: download payload.tgz: interrupt signal received"), "stderr: %s", r.Stderr)
		for _, line := range lines[:len(lines)-1] {
			Expect(line).To(HavePrefix("payload.tgz: "), "stderr: %s", r.Stderr)
		}
		Expect(r.Stderr).NotTo(ContainSubstring(planted.Password))
		Expect(r.Stderr).NotTo(ContainSubstring(hostileToken))
		Expect(entries(filepath.Join(w.work, destPath))).To(ConsistOf("keep.txt"))
		Expect(filetree.Snapshot(w.work)).To(Equal(before))
	})
})
