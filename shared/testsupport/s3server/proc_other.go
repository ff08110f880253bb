//go:build !linux

package s3server

import "syscall"

// dieWithParent has no portable equivalent outside Linux; cleanup stops the server.
func dieWithParent() *syscall.SysProcAttr { return nil }
