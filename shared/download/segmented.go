package download

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/fanout"
	"github.com/metalink-resources/metalink-resources/shared/progress"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// Defaults of Segments.
const (
	DefaultSplit        = 4
	DefaultPerServer    = 1
	DefaultMinSplitSize = 16 << 20
	// DefaultPerHost is how many connections a release may have open to
	// one host:port, as browsers allow: beyond a handful, many mirrors
	// answer 503.
	DefaultPerHost = 6
)

// Segments say when a file is fetched from several connections at once.
// The zero value means the defaults.
type Segments struct {
	// Split is the most connections for one file: 0 means DefaultSplit.
	Split int
	// PerServer is the most connections to one host:port: 0 means
	// DefaultPerServer, so that one URL is one connection unless the author
	// asks for more.
	PerServer int
	// MinSize is the smallest file, in bytes, fetched in segments: 0 means
	// DefaultMinSplitSize.
	MinSize int64
	// PerHost is the most connections to one host:port across the files
	// Files fetches at once: 0 means DefaultPerHost.
	PerHost int
}

func (s Segments) withDefaults() Segments {
	if s.Split <= 0 {
		s.Split = DefaultSplit
	}
	if s.PerServer <= 0 {
		s.PerServer = DefaultPerServer
	}
	if s.MinSize <= 0 {
		s.MinSize = DefaultMinSplitSize
	}
	if s.PerHost <= 0 {
		s.PerHost = DefaultPerHost
	}
	return s
}

// Block sizes: a unit of 1 MiB, or whole pieces when each block can be
// checked before it is handed on (pieces of at most maxCheckedPiece).
const (
	baseUnit        = 1 << 20
	maxCheckedPiece = 4 << 20
)

// segmentedClasses returns the priority classes to fetch in segments, the
// best first, or nil when the file is read as one stream: when it is smaller
// than MinSize or of unknown size, when its best class allows one connection
// only, or when that class holds a file:// URL (a local read gains nothing).
func (d *downloader) segmentedClasses(classes [][]string) [][]string {
	seg := d.opts.Segments
	if d.plan.Size() < seg.MinSize || len(classes) == 0 {
		return nil
	}
	best := classes[0]
	for _, u := range best {
		if transfer.Scheme(u) == "file" {
			return nil
		}
	}
	if len(connections(d.handled(best), seg.Split, seg.PerServer)) < 2 {
		return nil
	}
	return classes
}

// handled keeps the URLs a handler reads.
func (d *downloader) handled(urls []string) []string {
	var out []string
	for _, u := range urls {
		if d.opts.Reader.Handles(u) {
			out = append(out, u)
		}
	}
	return out
}

// pass is one segmented pass over a file.
type pass struct {
	d       *downloader
	ctx     context.Context
	ledger  *ledger
	classes [][]string
	sources []*source
	skipped attemptsError // URLs no handler reads
	wg      sync.WaitGroup
	mu      sync.Mutex // guards classes and sources against workers that leave
}

// errWholeFile marks a pass whose bytes all arrived but failed a whole-file
// check that no piece can pin on one mirror: the file is fetched again one
// URL at a time.
type errWholeFile struct{ err error }

func (e errWholeFile) Error() string { return e.err.Error() }
func (e errWholeFile) Unwrap() error { return e.err }

// fetchSegmented fetches the file from the connections of its best class at
// once (and of the next classes, should a whole class fail), into sink in
// file order, verified.
func (d *downloader) fetchSegmented(ctx context.Context, classes [][]string, sink Sink) ([]string, error) {
	if err := sink.Rewind(); err != nil {
		return nil, asLocal(err)
	}
	d.meter.Restart()
	unit, own := d.unit()
	checker, pieces := d.plan.Start(), (*verify.Pieces)(nil)
	if own {
		checker, pieces = d.plan.StartOwnPieces()
	}
	fan := fanout.New(ctx, append(localWriters(sink.Writers()), checker.Writers()...)...)
	// A server that ignores Range is no use to a segmented pass: it fails there
	// rather than send again, to every connection, the bytes before its block.
	p := &pass{d: d, ctx: transfer.RangesOnly(fan.Context()), ledger: newLedger(d.plan.Size(), unit), classes: classes}
	reader := &ordered{l: p.ledger}
	if pieces != nil {
		reader.check = func(k int, b *block) error {
			err := checkBlock(pieces, unit, k, b.data)
			if err != nil && !p.ledger.dropped(b.source) {
				d.note("%s failed: %v", b.source.url, err)
			}
			return err
		}
	}
	transferErr := p.run(func() error { return fan.CopyFrom(reader, d.meter.Add) })
	report, err := finish(fan, checker, transferErr, func(err error) error { return errWholeFile{err} })
	if err != nil {
		return nil, err
	}
	d.served = p.served()
	return report, nil
}

// unit is the block size, and whether each block is a run of whole pieces
// to check before it is handed on.
func (d *downloader) unit() (int64, bool) {
	piece := d.plan.PieceLength()
	if piece == 0 || piece > maxCheckedPiece {
		return baseUnit, false
	}
	return piece * ((baseUnit + piece - 1) / piece), true
}

// checkBlock checks the pieces that block k holds.
func checkBlock(pieces *verify.Pieces, unit int64, k int, data []byte) error {
	length := pieces.Length()
	first := int(int64(k) * unit / length)
	for i := 0; int64(i)*length < int64(len(data)); i++ {
		piece := data[int64(i)*length : min(int64(i+1)*length, int64(len(data)))]
		if err := pieces.Check(first+i, piece); err != nil {
			return err
		}
	}
	return nil
}

// run starts the workers of the first class, feeds the consumers through
// copy, and stops every worker before it returns copy's error.
func (p *pass) run(copy func() error) error {
	done := make(chan struct{})
	go p.ledger.ticker(done)
	p.nextClass()
	stopRecruiting := p.recruiting()
	err := copy()
	p.ledger.close()
	stopRecruiting() // no worker starts after this
	p.mu.Lock()
	for _, src := range p.sources {
		src.cancel(context.Canceled)
	}
	p.mu.Unlock()
	p.wg.Wait()
	close(done)
	if err != nil && p.ctx.Err() != nil {
		return context.Cause(p.ctx)
	}
	return err
}

// nextClass starts the connections of the next priority class, or fails the
// pass when none is left.
func (p *pass) nextClass() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.classes) > 0 {
		class := p.classes[0]
		p.classes = p.classes[1:]
		if p.start(class) {
			return
		}
	}
	p.ledger.fail(p.failure())
}

// start opens the connections of one class; false when it has no URL that
// can be read.
func (p *pass) start(class []string) bool {
	if p.ledger.isClosed() {
		return true
	}
	seg := p.d.opts.Segments
	for _, u := range class {
		if !p.d.opts.Reader.Handles(u) {
			p.skipped = append(p.skipped, attempt{url: u, err: transfer.UnsupportedScheme(u)})
			p.d.note("%s failed: %v", u, transfer.UnsupportedScheme(u))
		}
	}
	bySource := map[string]*source{}
	for _, u := range connections(p.d.handled(class), seg.Split, seg.PerServer) {
		src := bySource[u]
		if src == nil {
			ctx, cancel := context.WithCancelCause(p.ctx)
			src = &source{url: u, ctx: ctx, cancel: cancel}
			bySource[u] = src
			p.sources = append(p.sources, src)
		}
		p.startWorker(src, nil)
	}
	p.d.meter.SetMirrors(len(bySource))
	return len(bySource) > 0
}

// startWorker opens one more connection to src; held is the host slot it
// was given, nil when it takes one as it opens.
func (p *pass) startWorker(src *source, held func()) {
	w := &worker{src: src}
	p.ledger.join(w)
	p.wg.Add(1)
	go p.work(w, held)
}

// recruitInterval is how often a pass looks for connections the release
// budget leaves free; recruitMinBlocks is how many blocks must be left to
// fetch for another connection to be worth its time to first byte (it takes
// its share from the runs of the others).
const (
	recruitInterval  = 100 * time.Millisecond
	recruitMinBlocks = 8
)

// recruiting calls recruit every recruitInterval, in a release that lends
// its free connections, until the returned stop, which waits for a call
// under way.
func (p *pass) recruiting() (stop func()) {
	if slots := p.d.opts.slots; slots == nil || !slots.lends {
		return func() {}
	}
	return progress.Every(progress.Options{Interval: recruitInterval}, p.recruit)
}

// recruit adds connections to the pass whenever the release's budget has a
// slot free for one of its URLs: once every file of the release has
// started, a connection that finished its file helps those still under
// way.
func (p *pass) recruit() {
	slots := p.d.opts.slots
	if !slots.lending() || p.ledger.left() < recruitMinBlocks {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, src := range p.sources {
		// A worker gives its slot back while it waits for a block: count
		// workers, not slots, or the idle would be joined by ever more.
		// Every free slot at once: a file that waited for one recruit per
		// tick ramped up over half a second.
		for src.ctx.Err() == nil && p.ledger.mayJoin(src, slots.per) {
			giveBack, ok := slots.tryTake(src.url)
			if !ok {
				break
			}
			p.startWorker(src, giveBack)
		}
	}
}

// failure lists the last error of every URL of the pass.
func (p *pass) failure() error {
	p.ledger.mu.Lock()
	defer p.ledger.mu.Unlock()
	failed := append(attemptsError(nil), p.skipped...)
	for _, src := range p.sources {
		if src.err != nil {
			failed = append(failed, attempt{url: src.url, err: src.err})
		}
	}
	if len(failed) == 0 {
		return errors.New("no usable URL")
	}
	return failed
}

// served lists the bytes each URL handed on, redacted.
func (p *pass) served() []progress.Served {
	out := make([]progress.Served, len(p.sources))
	for i, src := range p.sources {
		out[i] = progress.Served{URL: redact.String(src.url), Bytes: src.served}
	}
	return out
}

// work is one connection: it fills the blocks the ledger hands it, keeping
// its stream open from one block to the next when they follow each other.
func (p *pass) work(w *worker, held func()) {
	defer p.wg.Done()
	c := &connection{pass: p, w: w, held: held}
	defer c.closeBody()
	for {
		f := p.ledger.next(w, c.closeBody)
		if f == nil {
			break
		}
		err := c.fill(f)
		switch {
		case err == nil:
			p.ledger.complete(f)
			continue
		case errors.Is(err, errLost):
			c.closeBody() // it stands inside the block the other copy won
			p.ledger.abandon(f)
			continue
		}
		p.ledger.abandon(f)
		if w.src.ctx.Err() == nil && p.ctx.Err() == nil {
			p.d.note("%s failed: %v", w.src.url, err)
			p.ledger.drop(w.src, err)
		}
		break
	}
	if p.ledger.leave(w) {
		p.nextClass()
	}
	p.d.meter.SetMirrors(p.ledger.mirrors())
}

// closeGrace is how long the slot of a stream closed before its end stays
// taken: time for the server to see the close.
const closeGrace = 50 * time.Millisecond

// errLost: another copy of the block completed first.
var errLost = errors.New("another mirror sent this block first")

// connection is the stream of one worker and its retries.
type connection struct {
	pass     *pass
	w        *worker
	body     io.ReadCloser
	giveBack func() // gives back the host slot the open body holds
	held     func() // gives back a slot held for the first open, or nil
	pos      int64  // the offset the body reads next
	tries    retries
}

func (c *connection) closeBody() {
	if c.body != nil {
		_ = c.body.Close() // a stream left early: nothing to learn from its end
		c.body = nil
		if c.pass.d.opts.slots != nil && c.pos < c.pass.ledger.size {
			// The server counts a stream it is still sending until it sees
			// the close: a request sent at once in its place could be one
			// too many for it (503). A file alone has no budget to keep.
			time.AfterFunc(closeGrace, c.giveBack)
		} else {
			c.giveBack()
		}
	}
	if c.held != nil {
		c.held()
		c.held = nil
	}
}

// fill reads f's block, resuming after transient failures as a single
// stream does.
func (c *connection) fill(f *filler) error {
	start, end := c.pass.ledger.bounds(f.index)
	for {
		err := c.read(f, start, end)
		if err == nil || errors.Is(err, errLost) {
			return err
		}
		c.closeBody()
		if c.w.src.ctx.Err() != nil {
			return context.Cause(c.w.src.ctx)
		}
		if !transfer.IsTransient(err) {
			return err
		}
		wait, retry, giveUp := c.tries.next(err, c.pass.d.opts)
		if giveUp != nil {
			return giveUp
		}
		c.pass.d.note("%s: %v; %s in %s from byte %d", c.w.src.url, err, retry, wait, start+int64(f.filled))
		if err := sleep(c.w.src.ctx, wait); err != nil {
			return err
		}
	}
}

// read fills f from the stream, opening it where the block's missing bytes
// start unless it stands there already.
func (c *connection) read(f *filler, start, end int64) error {
	for at := start + int64(f.filled); at < end; at = start + int64(f.filled) {
		if c.body == nil || c.pos != at {
			if err := c.open(at); err != nil {
				return err
			}
		}
		n, err := c.body.Read(f.buf[f.filled : end-start])
		c.pos += int64(n)
		if n > 0 {
			c.tries.progressed()
		}
		if !c.pass.ledger.progress(f, n) {
			return errLost
		}
		switch {
		case err == io.EOF && start+int64(f.filled) < end:
			return transfer.Transient(fmt.Errorf("the transfer ended at byte %d, before byte %d", c.pos, end))
		case err != nil && err != io.EOF:
			return err
		}
	}
	return nil
}

func (c *connection) open(at int64) error {
	giveBack := c.held
	c.held = nil
	c.closeBody()
	if giveBack == nil {
		var err error
		if giveBack, err = c.pass.d.opts.slots.take(c.w.src.ctx, c.w.src.url); err != nil {
			return err
		}
	}
	body, size, err := c.pass.d.opts.Reader.Open(c.w.src.ctx, c.w.src.url, at)
	if err != nil {
		giveBack()
		return err
	}
	if err := c.pass.d.plan.CheckAnnouncedSize(size); err != nil {
		_ = body.Close() // unread: the size it announced is wrong already
		giveBack()
		return err
	}
	c.body, c.giveBack, c.pos = body, giveBack, at
	return nil
}
