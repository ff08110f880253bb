// Package peakrss reads the peak resident set size of a child process for
// benchmarks. The kernel's ru_maxrss cannot be used for a child that a Go
// process starts: Go forks with the parent's memory shared until exec, and
// exec records the parent's peak as the child's.
package peakrss

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Run starts cmd, waits for it to exit, and returns its wall time and its
// peak RSS in KiB; err is cmd's error starting or exiting.
func Run(cmd *exec.Cmd) (wall time.Duration, peakKiB int64, err error) {
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	stop := Watch(cmd.Process.Pid)
	err = cmd.Wait()
	wall = time.Since(start)
	return wall, stop(), err
}

// Watch samples the VmHWM of process pid every few milliseconds until the
// returned stop is called (right after the process exits), and stop returns
// the highest value seen, in KiB.
func Watch(pid int) (stop func() int64) {
	done := make(chan struct{})
	peak := make(chan int64, 1)
	go func() {
		var highest int64
		ticker := time.NewTicker(5 * time.Millisecond)
		defer ticker.Stop()
		for {
			highest = max(highest, vmHWM(pid))
			select {
			case <-done:
				peak <- highest
				return
			case <-ticker.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		return <-peak
	}
}

// vmHWM is pid's peak resident set in KiB, 0 once it is gone.
func vmHWM(pid int) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if value, found := strings.CutPrefix(line, "VmHWM:"); found {
			kib, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
			return kib
		}
	}
	return 0
}
