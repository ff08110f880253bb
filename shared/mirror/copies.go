package mirror

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// errOtherSource is why copies are dropped when the source starts over.
var errOtherSource = errors.New("the copy starts over from another source")

// copies are the uploads that one pass over a file's bytes feeds: one per
// destination that does not hold the file yet. It is the download.Sink of a
// mirrored file, which Rewind starts from dests. A generated file's staged
// copies are started by its job instead, and dests stay empty: that file is
// read once from its start, never rewound.
type copies struct {
	ctx     context.Context
	file    metalink.File
	dests   []destination
	uploads []upload
}

// Rewind drops the copies under way and starts new, empty ones.
func (c *copies) Rewind() error {
	c.abort(errOtherSource)
	for _, dest := range c.dests {
		u, err := dest.create(c.ctx, c.file)
		if err != nil {
			c.abort(err)
			return err
		}
		c.uploads = append(c.uploads, u)
	}
	return nil
}

// Writers feed each copy from its own goroutine.
func (c *copies) Writers() []io.Writer {
	writers := make([]io.Writer, len(c.uploads))
	for i, u := range c.uploads {
		writers[i] = u
	}
	return writers
}

// commit makes every copy visible. Remote copies come first, side by side
// since an S3 upload still sends its last part then; local renames, which
// hardly fail, follow only if they all succeeded. A refused upload thus
// leaves no new local copy; the remote copies that did succeed stay, as they
// hold verified bytes.
func (c *copies) commit() error {
	remote, local := splitUploads(c.uploads)
	c.uploads = local
	if err := commitAll(remote); err != nil {
		c.abort(err)
		return err
	}
	c.uploads = nil
	return commitAll(local)
}

func splitUploads(uploads []upload) (remote, local []upload) {
	for _, u := range uploads {
		if u.remote() {
			remote = append(remote, u)
		} else {
			local = append(local, u)
		}
	}
	return remote, local
}

// commitAll commits uploads side by side and returns the first failure.
func commitAll(uploads []upload) error {
	errs := make([]error, len(uploads))
	var wg sync.WaitGroup
	for i, u := range uploads {
		wg.Go(func() { errs[i] = u.commit() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// abort drops every copy under way.
func (c *copies) abort(cause error) {
	var wg sync.WaitGroup
	for _, u := range c.uploads {
		wg.Go(func() { u.abort(cause) })
	}
	wg.Wait()
	c.uploads = nil
}
