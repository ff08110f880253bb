package integration_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/onsi/gomega/gexec"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/benchdata"
)

// BenchmarkIn measures the in binary downloading one file (MLR_BENCH_SIZE
// bytes, default 64 MiB; ci/bench uses 1 GiB) from a local HTTP server with
// sha-512 verification, against the reference loop of testdata/reference
// (GET to disk through io.MultiWriter(file, sha512)), alternating the two in
// every iteration so both see the same machine load. in-ratio is ours over
// the reference (target: at most 0.85); in-peak-RSS-MiB must stay flat as the
// size grows.
func BenchmarkIn(b *testing.B) {
	in, err := gexec.Build(commandPackage + "in")
	if err != nil {
		b.Fatal(err)
	}
	reference, err := gexec.Build("github.com/metalink-resources/metalink-resources/dynamic-metalink/integration/testdata/reference")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(gexec.CleanupBuildArtifacts)

	served := b.TempDir()
	size, err := benchdata.Size("MLR_BENCH_SIZE", 64<<20)
	if err != nil {
		b.Fatal(err)
	}
	digest, err := benchdata.WriteFile(filepath.Join(served, "big.bin"), size)
	if err != nil {
		b.Fatal(err)
	}
	server := httptest.NewServer(http.FileServer(http.Dir(served)))
	b.Cleanup(server.Close)
	url := server.URL + "/big.bin"
	request := inRequest(b, url, digest)

	var ours, yardstick cost
	for b.Loop() {
		yardstick = yardstick.plus(measure(b, exec.Command(reference, url, filepath.Join(b.TempDir(), "reference.bin"), digest), nil))
		ours = ours.plus(measure(b, exec.Command(in, b.TempDir()), request))
	}
	b.ReportMetric(ours.wall.Seconds()/yardstick.wall.Seconds(), "in-ratio")
	b.ReportMetric(float64(ours.peakKiB)/1024, "in-peak-RSS-MiB")
	b.ReportMetric(float64(yardstick.peakKiB)/1024, "reference-peak-RSS-MiB")
}

func inRequest(b *testing.B, url, digest string) []byte {
	doc, err := metalink.MarshalJSON(metalink.Metalink{Files: []metalink.File{{
		Name:   "big.bin",
		URLs:   []metalink.URL{{URL: url}},
		Hashes: []metalink.Hash{{Type: "sha-512", Hash: digest}},
	}}})
	if err != nil {
		b.Fatal(err)
	}
	script := filepath.Join(b.TempDir(), "metalink.json")
	if err := os.WriteFile(script, doc, 0o644); err != nil {
		b.Fatal(err)
	}
	request, err := json.Marshal(map[string]any{
		"source":  map[string]any{"version_check": "echo 1.0.0", "metalink_get": "cat " + script},
		"version": map[string]any{"version": "1.0.0"},
	})
	if err != nil {
		b.Fatal(err)
	}
	return request
}
