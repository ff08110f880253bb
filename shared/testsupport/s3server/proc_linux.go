package s3server

import "syscall"

// dieWithParent has the kernel kill versitygw if the test binary dies before
// its cleanup runs, so that no server outlives a crashed test.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
