package audit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

// checker checks one URL at a time per call, sharing the S3 clients and
// the per-host budget between calls.
type checker struct {
	opts   Options
	stat   *stater
	reader transfer.Router
	hosts  *hostLimit
}

func newChecker(opts Options) *checker {
	return &checker{opts: opts, stat: newStater(opts.Handlers), reader: opts.Handlers.Router(), hosts: &hostLimit{per: opts.PerHost}}
}

// check says what is wrong with t's URL, nil when nothing is.
func (c *checker) check(ctx context.Context, t task) *Problem {
	release, err := c.hosts.take(ctx, t.url)
	if err != nil {
		return nil // the audit ends; Run reports ctx's error
	}
	defer release()
	kind, detail := c.verdict(ctx, t)
	if kind == "" {
		return nil
	}
	return &Problem{Path: t.path, File: t.file.Name, URL: shown(t.url), Role: t.role, Kind: kind, Detail: redact.String(detail)}
}

// verdict asks for the size (and recorded hashes) first, so that a
// missing or short copy costs no download even when deep.
func (c *checker) verdict(ctx context.Context, t task) (Kind, string) {
	info, err := c.stat.stat(ctx, t.url)
	if err != nil {
		return c.failure(t.role, err)
	}
	if why := info.differs(t.file); why != "" {
		return c.different(t.role, why)
	}
	if !c.opts.Deep {
		return "", ""
	}
	why, err := readAll(ctx, c.reader, t, c.opts.Trust)
	switch {
	case err != nil:
		return c.unreadable(t.role, err)
	case why != "":
		return c.different(t.role, why)
	}
	return "", ""
}

// failure classifies a URL that could not be asked about.
func (c *checker) failure(role Role, err error) (Kind, string) {
	var gone *goneError
	switch {
	case errors.As(err, &gone) && role == Mirror:
		return Missing, "missing (" + gone.reason + ")"
	case errors.As(err, &gone):
		return Vanished, "vanished (" + gone.reason + ")"
	case role == Upstream && transfer.IsDeadHost(err):
		return Vanished, "vanished (" + err.Error() + ")"
	}
	return c.unreadable(role, err)
}

func (c *checker) unreadable(role Role, err error) (Kind, string) {
	if role == Mirror {
		return Unreadable, "unreadable: " + err.Error()
	}
	return Unreachable, "unreachable: " + err.Error()
}

func (c *checker) different(role Role, why string) (Kind, string) {
	if role == Mirror {
		return Wrong, why
	}
	return Changed, "changed: " + why
}

// info is what a URL says about its bytes without sending them.
type info struct {
	size   int64             // -1: not said
	hashes map[string]string // hex digests the store recorded (S3 metadata), by lower-case type
}

// differs says how info contradicts f, "" when it does not.
func (i info) differs(f metalink.File) string {
	if i.size >= 0 && f.Size > 0 && uint64(i.size) != f.Size {
		return fmt.Sprintf("%d bytes, want %d", i.size, f.Size)
	}
	for _, h := range f.Hashes {
		recorded, ok := i.hashes[strings.ToLower(h.Type)]
		if ok && !strings.EqualFold(recorded, h.Hash) {
			return fmt.Sprintf("%s %s (recorded), want %s", h.Type, recorded, h.Hash)
		}
	}
	return ""
}

// goneError is a URL whose server says nothing is there.
type goneError struct{ reason string }

func (e *goneError) Error() string { return "not found (" + e.reason + ")" }

// hostLimit bounds the checks under way per host.
type hostLimit struct {
	per   int
	mu    sync.Mutex
	slots map[string]chan struct{}
}

// take waits for a slot of rawURL's host and returns its release.
func (h *hostLimit) take(ctx context.Context, rawURL string) (func(), error) {
	host := ""
	if u, err := url.Parse(rawURL); err == nil {
		host = u.Host
	}
	h.mu.Lock()
	if h.slots == nil {
		h.slots = map[string]chan struct{}{}
	}
	slots, ok := h.slots[host]
	if !ok {
		slots = make(chan struct{}, h.per)
		h.slots[host] = slots
	}
	h.mu.Unlock()
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
