package download

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// hostSlots is the connection budget of a release: at most per
// connections to one host:port at a time, however many files are under
// way. Each connection holds a slot of its host while its stream is open,
// and gives it back before it waits to retry.
//
// Once every file of a release of several has started, the slots its files
// leave free are lent to the files still under way (see pass.recruit): a
// connection that finished its file helps the others.
type hostSlots struct {
	per     int
	mu      sync.Mutex
	hosts   map[string]chan struct{}
	waiting atomic.Int64 // files of the release not started yet
	lends   bool         // the release has several files
}

// HostBudget is at most a number of connections to one host:port at a
// time, shared by every download whose Options name it.
type HostBudget struct{ slots *hostSlots }

// NewHostBudget is a budget of perHost connections to each host:port;
// DefaultPerHost when perHost is not positive. Its free connections are
// never lent beyond a download's own split: the downloads sharing it are
// not one release.
func NewHostBudget(perHost int) *HostBudget {
	if perHost <= 0 {
		perHost = DefaultPerHost
	}
	return &HostBudget{slots: newHostSlots(perHost, 1)}
}

func newHostSlots(per, files int) *hostSlots {
	h := &hostSlots{per: per, hosts: map[string]chan struct{}{}, lends: files > 1}
	h.waiting.Store(int64(files))
	return h
}

// started counts a file of the release as under way.
func (h *hostSlots) started() { h.waiting.Add(-1) }

// lending says whether free slots may go to the files under way: a
// release of several files, all of them started.
func (h *hostSlots) lending() bool {
	return h != nil && h.lends && h.waiting.Load() <= 0
}

// tryTake takes a slot of rawURL's host:port if one is free, without
// waiting.
func (h *hostSlots) tryTake(rawURL string) (giveBack func(), ok bool) {
	slots := h.of(serverOf(rawURL))
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, true
	default:
		return nil, false
	}
}

// take waits for a slot of rawURL's host:port and returns the function that
// gives it back, to be called once. A nil budget (one file alone) has a
// slot for everyone.
func (h *hostSlots) take(ctx context.Context, rawURL string) (giveBack func(), err error) {
	if h == nil {
		return func() {}, nil
	}
	slots := h.of(serverOf(rawURL))
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func (h *hostSlots) of(host string) chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	slots, ok := h.hosts[host]
	if !ok {
		slots = make(chan struct{}, h.per)
		h.hosts[host] = slots
	}
	return slots
}

// hostsOf is the host:ports the files' URLs name.
func hostsOf(files []metalink.File) map[string]bool {
	hosts := map[string]bool{}
	for _, f := range files {
		for _, u := range f.URLs {
			hosts[serverOf(u.URL)] = true
		}
	}
	return hosts
}
