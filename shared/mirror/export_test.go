package mirror

import "io"

// WithLocalOpener is req with its Local files opened by open instead of
// os.Open, so that a test can count how often each is opened and read.
func WithLocalOpener(req Request, open func(path string) (io.ReadCloser, error)) Request {
	req.openLocal = open
	return req
}
