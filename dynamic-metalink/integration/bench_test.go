package integration_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/onsi/gomega/gexec"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/peakrss"
)

// versions5000 prints 5,000 distinct versions, in no particular order.
const versions5000 = `for i in {1..5000}; do echo "$((i % 7)).$((i / 100)).$((i % 100))"; done`

// BenchmarkCheck5000Versions measures what the check binary adds to its
// version_check script: each iteration runs the script alone with bash and
// then check with that script, so both see the same machine load. The
// overhead-ms/op metric is the difference in wall time (target: at most
// 30 ms); cpu-overhead-ms/op is the difference in CPU time (user + system,
// children included), which a busy machine disturbs less.
func BenchmarkCheck5000Versions(b *testing.B) {
	check, err := gexec.Build(commandPackage + "check")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(gexec.CleanupBuildArtifacts)
	script := filepath.Join(b.TempDir(), "versions.sh")
	if err := os.WriteFile(script, []byte(versions5000), 0o644); err != nil {
		b.Fatal(err)
	}
	// The lowest version as current makes check answer all 5,000 of them.
	request, err := json.Marshal(map[string]any{
		"source":  map[string]any{"version_check": versions5000, "metalink_get": "false"},
		"version": map[string]any{"version": "0.0.7"},
	})
	if err != nil {
		b.Fatal(err)
	}

	var bash, resource cost
	runs := 0
	for b.Loop() {
		bash = bash.plus(measure(b, exec.Command("/bin/bash", "-euo", "pipefail", script), nil))
		resource = resource.plus(measure(b, exec.Command(check), request))
		runs++
	}
	perRun := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(runs) }
	b.ReportMetric(perRun(bash.wall), "bash-ms/op")
	b.ReportMetric(perRun(resource.wall), "check-ms/op")
	b.ReportMetric(perRun(resource.wall-bash.wall), "overhead-ms/op")
	b.ReportMetric(perRun(resource.cpu-bash.cpu), "cpu-overhead-ms/op")
}

// cost is the wall time and the CPU time (user + system) of processes, and
// the largest peak RSS among them.
type cost struct {
	wall, cpu time.Duration
	peakKiB   int64
}

func (c cost) plus(o cost) cost {
	return cost{wall: c.wall + o.wall, cpu: c.cpu + o.cpu, peakKiB: max(c.peakKiB, o.peakKiB)}
}

// measure runs cmd with stdin to completion and returns what it cost,
// including the children it waited for.
func measure(b *testing.B, cmd *exec.Cmd, stdin []byte) cost {
	var stdout, stderr bytes.Buffer
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	elapsed, peak, err := peakrss.Run(cmd)
	if err != nil {
		b.Fatalf("%s: %v: %s", cmd.Path, err, stderr.String())
	}
	if stdout.Len() == 0 {
		b.Fatalf("%s printed nothing", cmd.Path)
	}
	return cost{wall: elapsed, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), peakKiB: peak}
}
