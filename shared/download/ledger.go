package download

import (
	"context"
	"io"
	"slices"
	"sync"
	"time"
)

// The ledger of a segmented pass. The file is cut into blocks of one unit
// (1 MiB, or whole pieces); connections (workers) fetch blocks into buffers
// of their own, and the ledger gives the completed blocks back in file
// order. Every byte not yet handed on in order is in a buffer, and buffers
// exist only for the blocks of the window (the next window blocks from the
// cursor; 32 MiB, 8 MiB per connection beyond four, at most 128 MiB) and
// for at most maxRaces races, so memory is bounded whatever the file's size
// and the number of connections.
//
// A worker owns a run of blocks that it reads in one stream. A worker that
// has none takes, in this order: the lowest range given back by a failed
// connection (a hole), the next blocks nobody had, or the unfetched half of
// the run that will end last (a steal). Runs are sized by the worker's share
// of the combined rate, so that all of them take about as long. When none of
// that is left, or when the window is full because one block at the cursor
// is slow to come, a worker races that block from its own mirror: the first
// copy to complete wins and the other stops. No slow mirror holds the tail.

// Windowing limits.
const (
	windowBytes = 32 << 20
	// The window grows with the connections, up to maxWindowBytes: each
	// needs a run long enough that its time to first byte is small beside
	// the time it streams. Twelve connections sharing 32 MiB asked for a
	// block or two at a time and spent half their time waiting for answers.
	windowPerWorker = 8 << 20
	maxWindowBytes  = 128 << 20
	maxRaces        = 2
	// raceMargin: a race starts only when the racer would finish the whole
	// block well before the owner finishes its rest.
	raceMargin = 2
	// judgeAfter is how long a connection without any byte yet is given
	// before its block may be raced.
	judgeAfter = 100 * time.Millisecond
	// tick re-examines the races while nothing else happens: a stalled
	// connection changes nothing by itself.
	tick = 20 * time.Millisecond
)

type span struct{ start, end int } // blocks [start, end)

func (s span) empty() bool { return s.start >= s.end }

type ledger struct {
	mu      sync.Mutex
	changed *sync.Cond

	size, unit int64
	count      int // blocks in the file
	window     int // blocks that may be held beyond the cursor

	cursor   int // the next block to hand on
	frontier int // blocks from here on were never handed out
	holes    []span
	blocks   map[int]*block // being filled or complete, not yet handed on
	free     [][]byte
	races    int
	workers  []*worker
	err      error // the pass failed: no URL left
	closed   bool
}

// block is one unit being filled by one worker, or two during a race, or
// complete and waiting for the cursor.
type block struct {
	fillers []*filler
	data    []byte
	source  *source
}

// filler is one worker's copy of a block under way.
type filler struct {
	index  int
	block  *block
	worker *worker
	buf    []byte
	filled int // owned by the worker; read by others under the ledger lock
	start  time.Time
	race   bool
	lost   bool // another copy completed first: stop
}

// worker is one connection.
type worker struct {
	src    *source
	run    span
	active *filler
	// bytes and busy are the history behind the worker's rate.
	bytes int64
	busy  time.Duration
}

// source is one URL of a segmented pass.
type source struct {
	url    string
	ctx    context.Context
	cancel context.CancelCauseFunc
	served int64 // bytes handed on in order
	err    error // why it was dropped
	live   int   // its workers still running
}

func newLedger(size, unit int64) *ledger {
	l := &ledger{size: size, unit: unit, blocks: map[int]*block{}}
	l.count = int((size + unit - 1) / unit)
	l.window = max(int(windowBytes/unit), 4)
	l.changed = sync.NewCond(&l.mu)
	return l
}

// bounds are the byte offsets of block k.
func (l *ledger) bounds(k int) (start, end int64) {
	return int64(k) * l.unit, min(int64(k+1)*l.unit, l.size)
}

// assignment is what next hands a worker: a filler to complete, or nil.
// idle, called without the lock, lets the worker close its stream before it
// waits for work.
func (l *ledger) next(w *worker, idle func()) *filler {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if l.closed || l.err != nil || l.cursor == l.count || w.src.ctx.Err() != nil {
			return nil
		}
		if f := l.race(w, true); f != nil {
			return f
		}
		if f := l.startFromRun(w); f != nil {
			return f
		}
		if w.run.empty() {
			w.run = l.assign(w)
			if !w.run.empty() {
				continue
			}
		}
		if f := l.race(w, false); f != nil {
			return f
		}
		if w.run.empty() && idle != nil {
			l.mu.Unlock()
			idle()
			l.mu.Lock()
		}
		l.changed.Wait()
	}
}

// startFromRun starts the next block of w's run if the window admits it; a
// worker too slow for its next block takes new blocks further on instead. A
// worker held back by the window gives its run up when a hole it can fetch
// in time lies below it: the hole is nearer the cursor and nobody else may
// be free to take it.
func (l *ledger) startFromRun(w *worker) *filler {
	if w.run.empty() {
		return nil
	}
	k := w.run.start
	if l.late(w, k) && l.frontier < l.count {
		l.giveBack(w.run)
		w.run = l.fromFrontier(l.runLength(w))
		k = w.run.start
	}
	if k < l.cursor+l.window {
		w.run.start++
		return l.begin(w, k, false)
	}
	if len(l.holes) > 0 && l.holes[0].start < k && !l.late(w, l.holes[0].start) {
		l.giveBack(w.run)
		w.run = span{}
	}
	return nil
}

func (l *ledger) begin(w *worker, k int, race bool) *filler {
	b := l.blocks[k]
	if b == nil {
		b = &block{}
		l.blocks[k] = b
	}
	f := &filler{index: k, block: b, worker: w, buf: l.buffer(), start: time.Now(), race: race}
	b.fillers = append(b.fillers, f)
	w.active = f
	if race {
		l.races++
	}
	return f
}

func (l *ledger) buffer() []byte {
	if n := len(l.free); n > 0 {
		buf := l.free[n-1]
		l.free = l.free[:n-1]
		return buf
	}
	return make([]byte, l.unit)
}

// assign picks a new run for w: a hole, new blocks, or a steal. Holes lie
// nearest the cursor, so a worker too slow for one takes new blocks first:
// it has time for them until the cursor gets there.
func (l *ledger) assign(w *worker) span {
	length := l.runLength(w)
	if len(l.holes) > 0 && (l.frontier == l.count || !l.late(w, l.holes[0].start)) {
		h := l.holes[0]
		taken := span{h.start, min(h.end, h.start+length)}
		if l.holes[0].start = taken.end; l.holes[0].empty() {
			l.holes = l.holes[1:]
		}
		return taken
	}
	if l.frontier < l.count {
		return l.fromFrontier(length)
	}
	return l.steal(w)
}

func (l *ledger) fromFrontier(length int) span {
	taken := span{l.frontier, min(l.count, l.frontier+length)}
	l.frontier = taken.end
	return taken
}

// runLength gives w its share of the window by its part of the combined
// rate (equal parts while rates are unknown), at least one block and at
// most half the window.
func (l *ledger) runLength(w *worker) int {
	share := 1 / float64(len(l.workers))
	if total := l.combinedRate(); total > 0 {
		share = l.rate(w) / total
	}
	return min(max(int(float64(l.window)*share), 1), l.window/2)
}

// late says whether w is much slower than the fastest worker, which could
// take block k instead, and the cursor, moving at the combined rate, would
// reach block k before w has fetched it.
func (l *ledger) late(w *worker, k int) bool {
	own, total := l.rate(w), l.combinedRate()
	if own == 0 || total == 0 || !l.slow(w) {
		return false
	}
	return float64(k-l.cursor) < total/own
}

// slow says whether another worker is more than raceMargin times as fast.
func (l *ledger) slow(w *worker) bool {
	own := l.rate(w)
	for _, other := range l.workers {
		if l.rate(other) > raceMargin*own {
			return true
		}
	}
	return false
}

func (l *ledger) combinedRate() float64 {
	total := 0.0
	for _, w := range l.workers {
		r := l.rate(w)
		if r == 0 {
			return 0
		}
		total += r
	}
	return total
}

// rate is w's bytes per second so far, its block under way included; 0
// while unknown.
func (l *ledger) rate(w *worker) float64 {
	bytes, busy := w.bytes, w.busy
	if f := w.active; f != nil {
		bytes += int64(f.filled)
		busy += time.Since(f.start)
	}
	if bytes == 0 || busy <= 0 {
		return 0
	}
	return float64(bytes) / busy.Seconds()
}

// steal takes the unfetched half of the run that ends last.
func (l *ledger) steal(w *worker) span {
	var victim *worker
	latest := 0.0
	for _, v := range l.workers {
		if v == w || v.run.empty() {
			continue
		}
		if eta := l.runTime(v); victim == nil || eta > latest {
			victim, latest = v, eta
		}
	}
	if victim == nil {
		return span{}
	}
	mid := victim.run.start + (victim.run.end-victim.run.start)/2
	taken := span{mid, victim.run.end}
	victim.run.end = mid
	return taken
}

// runTime is how long v needs for the rest of its run, in seconds (a large
// number while its rate is unknown).
func (l *ledger) runTime(v *worker) float64 {
	rate := l.rate(v)
	if rate == 0 {
		return float64(l.size)
	}
	return float64(int64(v.run.end-v.run.start)*l.unit) / rate
}

// race starts a second copy, by w, of the lowest block whose owner will take
// much longer to finish it than w would take for all of it; eager looks at
// the first missing block only, the one that holds the cursor, which is
// worth leaving w's own run for. The run goes back to the others.
func (l *ledger) race(w *worker, eager bool) *filler {
	if l.races >= maxRaces {
		return nil
	}
	own := l.rate(w)
	if own == 0 {
		return nil
	}
	need := float64(l.unit) / own
	for k := l.cursor; k < l.cursor+l.window && k < l.count; k++ {
		b := l.blocks[k]
		if b != nil && b.data != nil {
			continue
		}
		if b == nil || len(b.fillers) != 1 {
			if eager {
				return nil
			}
			continue
		}
		if l.remaining(b.fillers[0]) > raceMargin*need {
			l.giveBack(w.run)
			w.run = span{}
			return l.begin(w, k, true)
		}
		if eager {
			return nil
		}
	}
	return nil
}

// remaining is how long, in seconds, f's worker needs to finish it.
func (l *ledger) remaining(f *filler) float64 {
	start, end := l.bounds(f.index)
	left := float64(end - start - int64(f.filled))
	if rate := l.rate(f.worker); rate > 0 {
		return left / rate
	}
	if time.Since(f.start) < judgeAfter {
		return 0
	}
	return float64(l.size)
}

// progress records n more bytes of w's filler; it says whether to go on.
func (l *ledger) progress(f *filler, n int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	f.filled += n
	return !f.lost && !l.closed
}

// complete records f, filled; the first copy of a block wins.
func (l *ledger) complete(f *filler) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, b := f.worker, f.block
	l.release(f)
	if f.lost || b.data != nil {
		l.free = append(l.free, f.buf)
		return
	}
	start, end := l.bounds(f.index)
	b.data, b.source = f.buf[:end-start], w.src
	for _, other := range b.fillers {
		other.lost = true
	}
}

// abandon drops an unfinished copy; a block nobody fills any more goes
// back to the pool (unless it was refused, and given back, already). A
// worker that lost a race gives its run back too: it proved slow, and the
// winner's stream stands at the start of that run.
func (l *ledger) abandon(f *filler) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := f.block
	l.release(f)
	if f.lost {
		l.giveBack(f.worker.run)
		f.worker.run = span{}
	}
	l.free = append(l.free, f.buf)
	if b.data == nil && len(b.fillers) == 0 && l.blocks[f.index] == b {
		delete(l.blocks, f.index)
		l.giveBack(span{f.index, f.index + 1})
	}
}

// release detaches f from its block and its worker, under the lock. Its
// bytes and time join the worker's history whether the copy won or not: a
// connection that keeps losing races (a mirror slow to answer) must get a
// rate, or it would be taken for one of unknown speed and handed the block
// at the cursor, raced and lost again, and serve nothing.
func (l *ledger) release(f *filler) {
	f.block.fillers = slices.DeleteFunc(f.block.fillers, func(x *filler) bool { return x == f })
	if f.race {
		l.races--
	}
	f.worker.bytes += int64(f.filled)
	f.worker.busy += time.Since(f.start)
	f.worker.active = nil
	l.changed.Broadcast()
}

// giveBack returns blocks to the pool of holes, lowest first.
func (l *ledger) giveBack(s span) {
	if s.empty() {
		return
	}
	l.holes = append(l.holes, s)
	slices.SortFunc(l.holes, func(a, b span) int { return a.start - b.start })
	l.changed.Broadcast()
}

// left counts the blocks not handed on yet.
func (l *ledger) left() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count - l.cursor
}

// mayJoin says whether src, not dropped, has fewer than most workers.
func (l *ledger) mayJoin(src *source, most int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return src.err == nil && src.live < most
}

// join adds a worker for src.
func (l *ledger) join(w *worker) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.workers = append(l.workers, w)
	w.src.live++
	l.window = max(l.window, int(min(int64(len(l.workers))*windowPerWorker, maxWindowBytes)/l.unit))
}

// leave removes a finished or failed worker, giving its run back, and says
// whether it was the last while blocks are still missing.
func (l *ledger) leave(w *worker) (lastAndMissing bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.giveBack(w.run)
	w.run = span{}
	l.workers = slices.DeleteFunc(l.workers, func(x *worker) bool { return x == w })
	w.src.live--
	l.changed.Broadcast()
	return len(l.workers) == 0 && l.cursor < l.count && !l.closed
}

// drop gives up src for this file: its connections end, their blocks go
// back to the pool.
func (l *ledger) drop(src *source, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if src.err == nil {
		src.err = err
	}
	src.cancel(err)
	l.changed.Broadcast()
}

// dropped says whether src was given up already.
func (l *ledger) dropped(src *source) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return src.err != nil
}

// fail ends the pass with err, once no URL is left.
func (l *ledger) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.err = err
	l.changed.Broadcast()
}

// close ends the pass: workers stop at their next step.
func (l *ledger) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.changed.Broadcast()
}

func (l *ledger) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// ticker wakes the waiting workers every tick until done is closed, so that
// they see a connection that stalls.
func (l *ledger) ticker(done <-chan struct{}) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			l.changed.Broadcast()
		}
	}
}

// mirrors counts the URLs with connections running.
func (l *ledger) mirrors() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := map[*source]bool{}
	for _, w := range l.workers {
		seen[w.src] = true
	}
	return len(seen)
}

// ordered reads the completed blocks in file order. check, when set, vets a
// block before any of its bytes are handed on; a block it refuses drops its
// URL and is fetched again.
type ordered struct {
	l       *ledger
	check   func(k int, b *block) error
	current *block
	offset  int
}

func (o *ordered) Read(p []byte) (int, error) {
	for o.current == nil {
		b, err := o.l.await()
		if err != nil {
			return 0, err
		}
		if o.check != nil {
			if err := o.check(o.l.cursor, b); err != nil {
				o.l.refuse(b, err)
				continue
			}
		}
		o.current, o.offset = b, 0
	}
	n := copy(p, o.current.data[o.offset:])
	if o.offset += n; o.offset == len(o.current.data) {
		o.l.handedOn(o.current)
		o.current = nil
	}
	return n, nil
}

// await waits for the block at the cursor; io.EOF after the last.
func (l *ledger) await() (*block, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		switch b := l.blocks[l.cursor]; {
		case l.cursor == l.count:
			return nil, io.EOF
		case b != nil && b.data != nil:
			return b, nil
		case l.err != nil:
			return nil, l.err
		case l.closed:
			return nil, context.Canceled
		}
		l.changed.Wait()
	}
}

// refuse drops the URL that sent the block at the cursor and fetches it again.
func (l *ledger) refuse(b *block, err error) {
	l.drop(b.source, err)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range b.fillers {
		f.lost = true
	}
	l.free = append(l.free, b.data[:cap(b.data)])
	b.data = nil
	delete(l.blocks, l.cursor)
	l.giveBack(span{l.cursor, l.cursor + 1})
}

// handedOn frees the block at the cursor and moves the cursor on.
func (l *ledger) handedOn(b *block) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b.source.served += int64(len(b.data))
	l.free = append(l.free, b.data[:cap(b.data)])
	delete(l.blocks, l.cursor)
	l.cursor++
	l.changed.Broadcast()
}
