// Package download fetches one metalink file from its candidate URLs in
// priority order, verifying it while it streams, into a temporary name that is
// renamed only once verified.
package download

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"golang.org/x/sync/errgroup"

	"github.com/metalink-resources/metalink-resources/shared/fanout"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/progress"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// DefaultRetries is how often one URL is retried after transient failures
// in a row (the count starts again whenever a try moved bytes).
const DefaultRetries = 3

// Options configure downloads. The zero value works: default handlers,
// no output, 3 retries after 1s, 2s and 4s.
type Options struct {
	Reader   transfer.Handler // usually a transfer.Router; nil: transfer.Defaults with network.Default
	Verify   verify.Options
	Progress io.Writer // stderr: one progress line per file every few seconds

	// Report receives verification results and notes (skipped metaurls,
	// retries, failed mirrors): stderr. Nil discards them.
	Report io.Writer
	// Retries of one URL after transient failures: 0 means DefaultRetries,
	// a negative number none.
	Retries int
	// Backoff is the wait before retry n (1, 2, …); nil means 1s, 2s, 4s, ….
	Backoff func(retry int) time.Duration
	// ProgressInterval is the time between progress lines; 0: 5 seconds.
	ProgressInterval time.Duration
	// Segments say when a file is fetched from several URLs at once, and
	// how many connections a release may have open to one host.
	Segments Segments
	// Hosts, when set, is a budget the downloads given these options share
	// with each other, as the files of one release do: a server that
	// fetches many files at once for its clients keeps each upstream host
	// within it. Files makes a budget of its own.
	Hosts *HostBudget

	// slots is the per-host budget of the release Files fetches, release
	// its progress line; nil for File alone.
	slots   *hostSlots
	release *progress.Release
}

func (o Options) withDefaults() Options {
	if o.slots == nil && o.Hosts != nil {
		o.slots = o.Hosts.slots
	}
	if o.Reader == nil {
		o.Reader = transfer.Defaults(network.Default().HTTP)
	}
	if o.Report == nil {
		o.Report = io.Discard
	}
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.Backoff == nil {
		o.Backoff = func(retry int) time.Duration { return time.Second << (retry - 1) }
	}
	o.Segments = o.Segments.withDefaults()
	return o
}

// File downloads f to dir/f.Name (f.Name already validated), verified. On
// failure nothing is left under dir/f.Name by this call and the error names
// the file and the last error of each URL tried.
func File(ctx context.Context, f metalink.File, dir string, opts Options) error {
	return fileAt(ctx, f, dir, opts, 0)
}

// fileAt is File for the file at index of a release, which says where in
// its best class it starts reading as one stream.
func fileAt(ctx context.Context, f metalink.File, dir string, opts Options, index int) error {
	d := &downloader{file: f, opts: opts.withDefaults(), index: index}
	if err := d.run(ctx, dir); err != nil {
		return fmt.Errorf("download %s: %w", f.Name, err)
	}
	return nil
}

// Files downloads files to dir as File does, several at once, within one
// budget: at most Segments.PerHost connections to one host:port at a time.
// Files fetched as one stream each start at another URL of their best
// class, so that equal mirrors share the release. When a file
// is done, the next starts; once all have started, the connections the
// budget leaves free join the files fetched in segments that still have
// much to fetch, whatever Split and PerServer say. The first file that fails stops the others,
// and its error is the one returned; files already complete stay in dir,
// which the caller discards.
func Files(ctx context.Context, files []metalink.File, dir string, opts Options) error {
	opts = opts.withDefaults()
	seg := &opts.Segments
	seg.PerServer = min(seg.PerServer, seg.PerHost)
	opts.slots = newHostSlots(seg.PerHost, len(files))
	// The files share the caller's writers (often one, stderr behind a
	// redacting writer): one lock for both keeps every write whole.
	var mu sync.Mutex
	opts.Report = &lockedWriter{mu: &mu, w: opts.Report}
	if opts.Progress != nil {
		opts.Progress = &lockedWriter{mu: &mu, w: opts.Progress}
		if len(files) > 1 {
			opts.release = progress.StartRelease(opts.Progress, len(files), totalSize(files), progress.Options{Interval: opts.ProgressInterval})
			defer opts.release.Stop()
		}
	}
	group, groupCtx := errgroup.WithContext(ctx)
	// Enough files to fill every host's budget even when each takes one
	// connection (small files, whatever max_connections_per_server says);
	// the slots keep each host within it whatever the files' URLs.
	group.SetLimit(seg.PerHost * max(1, len(hostsOf(files))))
	for i, f := range files {
		if groupCtx.Err() != nil {
			break // a file failed: start no other
		}
		group.Go(func() error {
			opts.slots.started()
			return fileAt(groupCtx, f, dir, opts, i)
		})
	}
	return group.Wait()
}

// totalSize is the bytes of all files, or -1 when a file's size is unknown.
func totalSize(files []metalink.File) int64 {
	var total int64
	for _, f := range files {
		if f.Size == 0 {
			return -1
		}
		total += int64(f.Size)
	}
	return total
}

// lockedWriter serialises the writes of the files fetched at once.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

type downloader struct {
	file   metalink.File
	index  int // in the release: which URL of the best class it reads first
	opts   Options
	plan   *verify.Plan
	meter  *progress.Meter
	served []progress.Served // who delivered the verified bytes
}

func (d *downloader) run(ctx context.Context, dir string) error {
	classes, err := d.prepare()
	if err != nil {
		return err
	}
	target, err := targetPath(dir, d.file.Name)
	if err != nil {
		return err
	}
	temp, err := createPartial(target)
	if err != nil {
		return err
	}
	defer temp.discard()
	report, err := d.fetch(ctx, classes, temp)
	if err != nil {
		return err
	}
	if err := temp.commit(); err != nil {
		return err
	}
	// One write, so that the reports of files fetched at once do not mix.
	if len(report) > 0 {
		_, _ = io.WriteString(d.opts.Report, strings.Join(report, "\n")+"\n")
	}
	return nil
}

// Sink receives the bytes Stream reads: a temporary file, or the uploads
// of a mirror.
type Sink interface {
	// Rewind empties the sink before a URL is read from byte zero. Stream
	// calls it before the first URL too.
	Rewind() error
	// Writers each receive every byte, in order, from a goroutine of their
	// own. Their errors are the sink's failure, not the URL's: Stream then
	// tries no other URL.
	Writers() []io.Writer
}

// Stream reads f from its URLs into sink, verified while the bytes stream,
// exactly as File does, and returns the verification report. The sink's
// writers receive the bytes in order, also when several mirrors send them at
// once. It leaves the sink as it is: on success the caller makes the bytes
// visible, on failure it discards them.
func Stream(ctx context.Context, f metalink.File, sink Sink, opts Options) ([]string, error) {
	d := &downloader{file: f, opts: opts.withDefaults()}
	classes, err := d.prepare()
	if err != nil {
		return nil, err
	}
	return d.fetch(ctx, classes, sink)
}

// fetch meters the transfer; its last line names who served the file.
func (d *downloader) fetch(ctx context.Context, classes [][]string, sink Sink) ([]string, error) {
	d.meter = progress.Start(d.opts.Progress, d.file.Name, progress.Options{Interval: d.opts.ProgressInterval, Release: d.opts.release})
	d.meter.SetTotal(d.plan.Size())
	report, err := d.fetchAll(ctx, classes, sink)
	if err != nil {
		d.meter.Stop()
		return nil, err
	}
	d.meter.Done(d.served)
	return report, nil
}

// fetchAll fetches a large file from the URLs of its best priority class at
// once, and otherwise, or when the whole-file check of such a pass fails
// with no mirror to blame, from one URL after the other in priority order.
func (d *downloader) fetchAll(ctx context.Context, classes [][]string, sink Sink) ([]string, error) {
	if segmented := d.segmentedClasses(classes); segmented != nil {
		report, err := d.fetchSegmented(ctx, segmented, sink)
		var whole errWholeFile
		switch {
		case errors.As(err, &whole):
			d.note("%v after a download from several mirrors at once; fetching it again from one URL at a time", whole.err)
		case errors.Is(err, transfer.ErrRangeIgnored):
			// Every mirror failed, and one that ignores Range may still serve
			// the file as one stream.
			d.note("fetching it again from one URL at a time, as one stream each")
		default:
			return report, err
		}
	}
	var urls []string
	for _, class := range classes {
		// Equal mirrors take turns: file i starts at URL i of its class.
		start := d.index % len(class)
		urls = append(append(urls, class[start:]...), class[:start]...)
	}
	return d.fetchAny(ctx, urls, sink)
}

// prepare decides what to verify and from where, failing before any
// transfer when that cannot be done, and notes what will not be used or
// checked. It returns the URLs to try, by priority class.
func (d *downloader) prepare() ([][]string, error) {
	plan, err := verify.NewPlan(d.file, d.opts.Verify)
	if err != nil {
		return nil, err
	}
	d.plan = plan
	if !plan.HasHash() && !d.opts.Verify.SkipHash {
		d.note("warning: the metalink gives no hash, the bytes are not verified")
	}
	for _, meta := range d.file.MetaURLs {
		d.note("skipping metaurl %s (%s): metaurls are not supported", meta.URL, meta.MediaType)
	}
	classes := priorityClasses(d.file.URLs)
	if len(classes) == 0 {
		return nil, errors.New("no usable URL")
	}
	return classes, nil
}

// fetchAny tries each URL in turn until one delivers verified bytes.
func (d *downloader) fetchAny(ctx context.Context, urls []string, sink Sink) ([]string, error) {
	var failed attemptsError
	for _, rawURL := range urls {
		report, err := d.fetchFrom(ctx, rawURL, sink)
		if err == nil {
			return report, nil
		}
		if ctx.Err() != nil {
			// Stopped: why, rather than what the cancelled request said.
			return nil, context.Cause(ctx)
		}
		if isLocal(err) {
			return nil, err
		}
		failed = append(failed, attempt{url: rawURL, err: err})
		d.note("%s failed: %v", rawURL, err)
	}
	return nil, failed
}

// fetchFrom streams one URL into sink from byte zero through a fresh checker.
func (d *downloader) fetchFrom(ctx context.Context, rawURL string, sink Sink) ([]string, error) {
	if !d.opts.Reader.Handles(rawURL) {
		return nil, transfer.UnsupportedScheme(rawURL)
	}
	if err := sink.Rewind(); err != nil {
		return nil, asLocal(err)
	}
	d.meter.Restart()
	checker := d.plan.Start()
	fan := fanout.New(ctx, append(localWriters(sink.Writers()), checker.Writers()...)...)
	report, err := finish(fan, checker, d.transferWithRetries(ctx, fan, rawURL), func(err error) error { return err })
	if err != nil {
		return nil, err
	}
	d.served = []progress.Served{{URL: redact.String(rawURL), Bytes: fan.Fed()}}
	return report, nil
}

// finish ends a pass over the file once its transfer has returned
// transferErr: it closes fan and the checker and says which error counts. A
// local write error comes first, then the transfer's; a consumer's or a
// check's, when every byte arrived, goes through whole, which says how the
// caller takes a file that arrived whole but wrong.
func finish(fan *fanout.Fanout, checker *verify.Checker, transferErr error, whole func(error) error) ([]string, error) {
	consumerErr := fan.Close()
	report, verifyErr := checker.Finish()
	switch {
	case isLocal(consumerErr):
		return nil, consumerErr
	case transferErr != nil:
		return nil, transferErr
	case consumerErr != nil:
		return nil, whole(consumerErr)
	case verifyErr != nil:
		return nil, whole(verifyErr)
	}
	return report, nil
}

// Limits of waiting for a busy server (a 503 or 429 with Retry-After).
const (
	// maxRetryAfter: a server that asks for a longer pause is out for now,
	// and the next URL is tried instead.
	maxRetryAfter = time.Minute
	// maxBusyWait bounds the pauses one URL may ask for in a row, so that a
	// server that is always busy is given up in the end.
	maxBusyWait = 5 * time.Minute
)

// retries are one URL's transient failures in a row and the pauses it
// asked for since it last moved bytes.
type retries struct {
	failures int
	busy     time.Duration
}

// progressed starts the count again: the URL works.
func (r *retries) progressed() { *r = retries{} }

// next says how long to wait before trying the URL again after err, and
// how to say so ("retry 2 of 3"), or returns the error that gives it up.
// A server that asks to wait (Retry-After) is busy, not dead: its pauses
// do not use up the retries.
func (r *retries) next(err error, opts Options) (time.Duration, string, error) {
	if after := transfer.RetryAfter(err); after > 0 {
		if after > maxRetryAfter || r.busy+after > maxBusyWait {
			return 0, "", fmt.Errorf("%w (asked to wait %s)", err, after)
		}
		r.busy += after
		return after, "retry as asked", nil
	}
	r.failures++
	if r.failures > opts.Retries {
		return 0, "", fmt.Errorf("%w (tried %d times)", err, r.failures)
	}
	return opts.Backoff(r.failures), fmt.Sprintf("retry %d of %d", r.failures, opts.Retries), nil
}

// transferWithRetries feeds fan from rawURL, resuming after transient
// failures from the bytes already handed on, so the hashes carry on too.
func (d *downloader) transferWithRetries(ctx context.Context, fan *fanout.Fanout, rawURL string) error {
	var tries retries
	for {
		before := fan.Fed()
		err := d.transferOnce(fan, rawURL)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return context.Cause(ctx)
		case fan.Failure() != nil:
			return fan.Failure()
		case !transfer.IsTransient(err):
			return err
		}
		if fan.Fed() > before {
			tries.progressed()
		}
		wait, retry, giveUp := tries.next(err, d.opts)
		if giveUp != nil {
			return giveUp
		}
		d.note("%s: %v; %s in %s from byte %d", rawURL, err, retry, wait, fan.Fed())
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func (d *downloader) transferOnce(fan *fanout.Fanout, rawURL string) error {
	giveBack, err := d.opts.slots.take(fan.Context(), rawURL)
	if err != nil {
		return err
	}
	defer giveBack()
	body, size, err := d.opts.Reader.Open(fan.Context(), rawURL, fan.Fed())
	if err != nil {
		return err
	}
	// Closing a body that was read cannot undo the bytes it gave.
	defer func() { _ = body.Close() }()
	if err := d.plan.CheckAnnouncedSize(size); err != nil {
		return err
	}
	if d.plan.Size() < 0 {
		d.meter.SetTotal(size)
	}
	if err := fan.CopyFrom(body, d.meter.Add); err != nil {
		return err
	}
	if size >= 0 && fan.Fed() < size {
		return transfer.Transient(fmt.Errorf("the transfer ended after %d of %d bytes", fan.Fed(), size))
	}
	return nil
}

// note writes one line about this file to the report, never with userinfo.
func (d *downloader) note(format string, args ...any) {
	_, _ = fmt.Fprintln(d.opts.Report, redact.String(d.file.Name+": "+fmt.Sprintf(format, args...)))
}

func sleep(ctx context.Context, wait time.Duration) error {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// attemptsError lists the last error of every URL tried, on one line.
type attemptsError []attempt

type attempt struct {
	url string
	err error
}

func (e attemptsError) Error() string {
	text := ""
	for i, a := range e {
		if i > 0 {
			text += "; "
		}
		text += a.url + ": " + a.err.Error()
	}
	return redact.String(text)
}

// Unwrap gives each URL's error, for errors.Is and errors.As.
func (e attemptsError) Unwrap() []error {
	errs := make([]error, len(e))
	for i, a := range e {
		errs[i] = a.err
	}
	return errs
}

// targetPath joins dir and a file name, refusing names that would leave dir.
func targetPath(dir, name string) (string, error) {
	if !filepath.IsLocal(name) {
		return "", fmt.Errorf("file name %q is not a relative path inside the destination", name)
	}
	return filepath.Join(dir, name), nil
}
