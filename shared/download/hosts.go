package download

import (
	"context"
	"sync"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// hostSlots is the connection budget of a release: at most per
// connections to one host:port at a time, however many files are under
// way. Each connection holds a slot of its host while its stream is open,
// and gives it back before it waits to retry.
type hostSlots struct {
	per   int
	mu    sync.Mutex
	hosts map[string]chan struct{}
}

func newHostSlots(per int) *hostSlots {
	return &hostSlots{per: per, hosts: map[string]chan struct{}{}}
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
