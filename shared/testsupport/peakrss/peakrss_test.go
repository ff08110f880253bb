package peakrss_test

import (
	"io"
	"os/exec"
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/peakrss"
)

// zeroes reads as n zero bytes.
type zeroes struct{ n int64 }

func (z *zeroes) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), z.n)
	clear(p[:n])
	z.n -= n
	return int(n), nil
}

func TestWatchReadsTheChildsOwnPeak(t *testing.T) {
	const size = 64 << 20
	// tail keeps the last size bytes of a pipe in memory until its input ends.
	cmd := exec.Command("tail", "-c", "67108864")
	cmd.Stdin = &zeroes{n: size}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := peakrss.Watch(cmd.Process.Pid)
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	// Sampling may miss the last moments before exit: half is proof enough.
	if peak := stop(); peak < size/2/1024 {
		t.Fatalf("tail buffered 64 MiB but its peak RSS read as %d KiB", peak)
	}
}
