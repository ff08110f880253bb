package transfer

import (
	"context"
	"io"
	"os"
	"time"
)

// WatchOpenFile gives an open f the body File.Open gives a path: the tests
// hand it a file whose reads block in the kernel the way a hung NFS mount's
// do, which File.Open itself refuses to open (a named pipe).
func WatchOpenFile(ctx context.Context, f *os.File, stall time.Duration) io.ReadCloser {
	body, local := watchLocal(ctx, stall)
	local.file = f
	return body
}
