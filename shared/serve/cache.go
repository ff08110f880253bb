package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// tempPrefix starts the name of a file being fetched into the cache. Such
// a file is never served, and one left by a process that died is removed
// when the cache is opened again.
const tempPrefix = ".fetch-"

// How a request was answered from the cache, for the access log.
const (
	cacheHit  = "hit"  // the file was there
	cacheMiss = "miss" // this request fetched it
	cacheWait = "wait" // it waited for another request's fetch
)

// cache holds verified files under their content key, fetches a missing
// one once however many requests want it, and keeps the whole within max
// bytes by removing the least recently used files.
type cache struct {
	dir string
	max int64 // 0: no limit
	get download.Options
	log io.Writer

	mu      sync.Mutex
	flights map[string]*flight
	entries map[string]*cached
	total   int64
}

// flight is one fetch under way; err is set before done is closed.
type flight struct {
	done chan struct{}
	err  error
}

type cached struct {
	size int64
	used time.Time
}

// openCache opens dir (made when missing), removes what fetches that never
// finished left in it and takes stock of the verified files.
func openCache(dir string, limit int64, get download.Options, log io.Writer) (*cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c := &cache{dir: dir, max: limit, get: get, log: log, flights: map[string]*flight{}, entries: map[string]*cached{}}
	list, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, entry := range list {
		if err := c.takeStock(entry); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *cache) takeStock(entry fs.DirEntry) error {
	path := filepath.Join(c.dir, entry.Name())
	if strings.HasPrefix(entry.Name(), tempPrefix) {
		logf(c.log, "serve: removing %s, a fetch that never finished\n", path)
		return os.RemoveAll(path)
	}
	info, err := entry.Info()
	if err != nil || !info.Mode().IsRegular() {
		return err
	}
	c.entries[entry.Name()] = &cached{size: info.Size(), used: info.ModTime()}
	c.total += info.Size()
	return nil
}

// open returns the verified file of ct, fetching it first when it is not
// in the cache, and how it was found. A fetch runs in fetchCtx, not in the
// request's ctx: a client that gives up stops its wait, not the fetch that
// others may be waiting for.
func (c *cache) open(ctx, fetchCtx context.Context, ct *content) (*os.File, string, error) {
	if f, err := c.openCached(ct.key); err == nil {
		return f, cacheHit, nil
	}
	c.mu.Lock()
	// Again under the lock: a fetch may have finished since.
	if f, err := c.openCached(ct.key); err == nil {
		c.mu.Unlock()
		return f, cacheHit, nil
	}
	how := cacheWait
	fl := c.flights[ct.key]
	if fl == nil {
		how, fl = cacheMiss, &flight{done: make(chan struct{})}
		c.flights[ct.key] = fl
		go c.fetch(fetchCtx, ct, fl)
	}
	c.mu.Unlock()
	select {
	case <-fl.done:
	case <-ctx.Done():
		return nil, how, context.Cause(ctx)
	}
	if fl.err != nil {
		return nil, how, fl.err
	}
	f, err := os.Open(filepath.Join(c.dir, ct.key))
	return f, how, err
}

// openCached opens key's file and marks it used.
func (c *cache) openCached(key string) (*os.File, error) {
	f, err := os.Open(filepath.Join(c.dir, key))
	if err != nil {
		return nil, err
	}
	c.touch(key)
	return f, nil
}

func (c *cache) touch(key string) {
	if c.max == 0 {
		return // nothing is ever evicted: spare the lock
	}
	c.mu.Lock()
	if e := c.entries[key]; e != nil {
		e.used = time.Now()
	}
	c.mu.Unlock()
}

// fetch downloads ct into the cache and tells the waiters.
func (c *cache) fetch(ctx context.Context, ct *content, fl *flight) {
	size, err := c.download(ctx, ct)
	c.mu.Lock()
	delete(c.flights, ct.key)
	if err == nil {
		c.entries[ct.key] = &cached{size: size, used: time.Now()}
		c.total += size
		c.evict(ct.key)
	}
	c.mu.Unlock()
	fl.err = err
	close(fl.done)
}

// evict removes the least recently used files, never keep, until the
// cache is within its limit. A file being sent stays readable until its
// reader closes it.
func (c *cache) evict(keep string) {
	for c.max > 0 && c.total > c.max {
		oldest := ""
		for key, e := range c.entries {
			if key != keep && (oldest == "" || e.used.Before(c.entries[oldest].used)) {
				oldest = key
			}
		}
		if oldest == "" {
			return
		}
		if err := os.Remove(filepath.Join(c.dir, oldest)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			logf(c.log, "serve: evicting %s: %v\n", oldest, err)
			return
		}
		c.total -= c.entries[oldest].size
		delete(c.entries, oldest)
		logf(c.log, "serve: evicted %s (cache over %d bytes)\n", oldest, c.max)
	}
}

// download fetches ct with the download engine into a temporary file,
// verified as in verifies it, checks every other hash the metalink gives
// (each one is a path it is served under), and only then gives it its
// content-addressed name.
func (c *cache) download(ctx context.Context, ct *content) (int64, error) {
	temp, err := os.CreateTemp(c.dir, tempPrefix+ct.key+"-*")
	if err != nil {
		return 0, fmt.Errorf("%s: cache: %w", ct.file.Name, err)
	}
	placed := false
	defer func() {
		if !placed {
			_ = temp.Close()
			_ = os.Remove(temp.Name())
		}
	}()
	sink := &cacheSink{file: temp, digests: verify.NewDigests(algorithmsOf(ct.hashes))}
	report, err := download.Stream(ctx, ct.file, sink, c.get)
	if err != nil {
		return 0, fmt.Errorf("download %s: %w", ct.file.Name, err)
	}
	if err := sink.checkDigests(ct); err != nil {
		return 0, err
	}
	size, err := commit(temp, filepath.Join(c.dir, ct.key))
	if err != nil {
		return 0, fmt.Errorf("%s: cache: %w", ct.file.Name, err)
	}
	placed = true
	if len(report) > 0 {
		_, _ = io.WriteString(c.log, "serve: "+strings.Join(report, "\nserve: ")+"\n")
	}
	return size, nil
}

// commit makes the verified temp durable and gives it its name: the cache
// outlives the process, so a crash must not leave a short file there.
func commit(temp *os.File, path string) (int64, error) {
	info, err := temp.Stat()
	if err != nil {
		return 0, err
	}
	if err := temp.Chmod(0o644); err != nil {
		return 0, err
	}
	if err := temp.Sync(); err != nil {
		return 0, err
	}
	if err := temp.Close(); err != nil {
		return 0, err
	}
	return info.Size(), os.Rename(temp.Name(), path)
}

// cacheSink is the temporary file a fetch streams into, and the digests of
// the metalink's hash types computed beside the engine's own check.
type cacheSink struct {
	file    *os.File
	digests *verify.Digests
}

func (s *cacheSink) Writers() []io.Writer {
	return append([]io.Writer{s.file}, s.digests.Writers()...)
}

func (s *cacheSink) Rewind() error {
	s.digests.Reset()
	if err := s.file.Truncate(0); err != nil {
		return err
	}
	_, err := s.file.Seek(0, io.SeekStart)
	return err
}

// checkDigests compares every hash of the metalink with the bytes: the
// engine checks the strongest, but each is a path the file is served under.
func (s *cacheSink) checkDigests(ct *content) error {
	for _, sum := range s.digests.Sums() {
		if want := ct.hashes[sum.Type]; want != sum.Hash {
			return fmt.Errorf("download %s: %s mismatch: the metalink says %s, the bytes are %s", ct.file.Name, sum.Type, want, sum.Hash)
		}
	}
	return nil
}

// algorithmsOf are the algorithms of hashes' types.
func algorithmsOf(hashes map[string]string) []verify.Algorithm {
	var algos []verify.Algorithm
	for _, algo := range verify.Algorithms() {
		if _, ok := hashes[algo.Name]; ok {
			algos = append(algos, algo)
		}
	}
	return algos
}
