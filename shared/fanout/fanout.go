// Package fanout reads a stream once and hands every chunk, in order, to
// several consumers that each run in their own goroutine: a file or an
// upload, and the hashers that verify or describe the bytes. Hashing thus
// runs beside the transfer rather than after it, and no byte is read twice.
//
// Memory is bounded whatever the size of the stream: at most Chunks buffers
// of ChunkSize bytes exist, and a chunk goes back to the pool once every
// consumer is done with it.
package fanout

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
)

// A Fanout holds at most Chunks buffers of ChunkSize bytes: 4 MiB, enough
// for the slowest consumer to lag the source a little without stalling it.
const (
	ChunkSize = 512 << 10
	Chunks    = 8
)

type chunk struct {
	buf  []byte
	n    int
	refs atomic.Int32 // consumers still using buf[:n]
}

// Fanout feeds its consumers from one or more sources in turn (a transfer
// resumed after a failure carries on where the previous one stopped).
//
// A consumer that fails cancels the Fanout's context, which ends the read of
// a source opened with it; the other consumers drain what is queued and are
// fed nothing more.
type Fanout struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	free   chan *chunk
	lanes  []*lane
	wg     sync.WaitGroup
	fed    int64 // bytes handed to the consumers; owned by the feeding goroutine
	made   int   // chunks allocated so far; owned by the feeding goroutine
}

type lane struct {
	consumer io.Writer
	in       chan *chunk
	err      error // written by the lane's goroutine, read after wg.Wait
}

// New starts one goroutine per consumer. Close must be called to end them.
func New(ctx context.Context, consumers ...io.Writer) *Fanout {
	ctx, cancel := context.WithCancelCause(ctx)
	f := &Fanout{ctx: ctx, cancel: cancel, free: make(chan *chunk, Chunks)}
	for _, consumer := range consumers {
		// Capacity Chunks: a send never blocks, since no more chunks exist.
		l := &lane{consumer: consumer, in: make(chan *chunk, Chunks)}
		f.lanes = append(f.lanes, l)
		f.wg.Add(1)
		go f.consume(l)
	}
	return f
}

// Context is cancelled, with the consumer's error as its cause, as soon as a
// consumer fails: open sources with it so that their reads end too.
func (f *Fanout) Context() context.Context { return f.ctx }

// Fed is how many bytes were handed to the consumers so far: the offset at
// which a resumed source must start. Only the feeding goroutine may call it.
func (f *Fanout) Fed() int64 { return f.fed }

func (f *Fanout) consume(l *lane) {
	defer f.wg.Done()
	for c := range l.in {
		if l.err == nil {
			if _, err := l.consumer.Write(c.buf[:c.n]); err != nil {
				l.err = err
				f.cancel(err)
			}
		}
		f.release(c)
	}
}

func (f *Fanout) release(c *chunk) {
	if c.refs.Add(-1) == 0 {
		f.free <- c
	}
}

// CopyFrom hands r's bytes to the consumers until r ends (nil), r fails (its
// error) or a consumer fails (that consumer's error). counted, when not nil,
// is told how many bytes each chunk carried.
func (f *Fanout) CopyFrom(r io.Reader, counted func(int64)) error {
	for {
		c, err := f.take()
		if err != nil {
			return err
		}
		n, readErr := fill(r, c.buf)
		if n > 0 {
			f.hand(c, n)
			if counted != nil {
				counted(int64(n))
			}
		} else {
			f.free <- c
		}
		if readErr == io.EOF {
			return nil
		}
		if readErr != nil {
			if failure := f.Failure(); failure != nil {
				return failure
			}
			return readErr
		}
	}
}

// take waits for a free chunk, giving up when a consumer failed. Chunks are
// made as they are first needed, so that a small file, or consumers that
// keep up, never cost the whole pool: many files are fetched at once.
func (f *Fanout) take() (*chunk, error) {
	if failure := f.Failure(); failure != nil {
		return nil, failure
	}
	select {
	case c := <-f.free:
		return c, nil
	default:
	}
	if f.made < Chunks {
		f.made++
		return &chunk{buf: make([]byte, ChunkSize)}, nil
	}
	select {
	case c := <-f.free:
		return c, nil
	case <-f.ctx.Done():
		return nil, context.Cause(f.ctx)
	}
}

func (f *Fanout) hand(c *chunk, n int) {
	c.n = n
	if len(f.lanes) == 0 {
		f.free <- c
		f.fed += int64(n)
		return
	}
	c.refs.Store(int32(len(f.lanes)))
	for _, l := range f.lanes {
		l.in <- c
	}
	f.fed += int64(n)
}

// Failure is the first consumer error (or the parent context's end), nil
// while all is well. Only meaningful before Close.
func (f *Fanout) Failure() error {
	if f.ctx.Err() == nil {
		return nil
	}
	return context.Cause(f.ctx)
}

// Close waits until every consumer has processed every chunk handed to it and
// returns the first consumer error, in consumer order.
func (f *Fanout) Close() error {
	for _, l := range f.lanes {
		close(l.in)
	}
	f.wg.Wait()
	f.cancel(nil)
	for _, l := range f.lanes {
		if l.err != nil {
			return l.err
		}
	}
	return nil
}

// fill reads until buf is full or r fails or ends; full chunks keep the
// per-chunk hand-over cost low.
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
