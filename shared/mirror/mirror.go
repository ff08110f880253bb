// Package mirror copies the files of a metalink to the destinations of
// mirror_files (s3:// objects, file:// paths and ftp:// files) and records
// the copies as new URLs of the metalink. It also computes the hashes of the
// files out generates a metalink for.
//
// One read of a file feeds every destination and the hashers at once. A copy
// becomes visible only once the bytes that made it are verified against the
// metalink's hashes: a file:// copy is renamed into place, an S3 upload is
// completed, an ftp:// copy stored under a temporary name is renamed
// (RNFR/RNTO) onto its name, only then. An ftp:// destination that holds a
// file of the right size is read back through the hash, since FTP keeps no
// record of hashes: when it matches, the file is not written again.
//
// A generated file (out's files mode) is read once too, although its hashes
// are known only at the end of that read, while destination templates may
// use them ({{.SHA256}}) and S3 metadata records them. An S3 destination
// whose key does not depend on the hashes is uploaded to straight away: the
// object appears only when the upload completes, after the read, and a copy
// of the object onto itself then records the hashes as its metadata (S3 and
// the common S3 servers change only the metadata); when the object already
// holds the file the upload is abandoned unfinished. Every other copy is
// written first to a temporary name, .metalink-upload-<26 random base32
// characters>, in the deepest directory or under the longest key prefix that
// the destination has whatever the hashes (for s3://host/bucket/releases/
// {{.SHA256}}/app.tgz, the key releases/.metalink-upload-…). Once the hashes
// are known the destination is rendered: a temporary file (local or on the
// FTP server) is renamed to it, a temporary object is copied to it by S3
// itself (CopyObject, or UploadPartCopy parts beyond 5 GiB) with the hashes
// as metadata and then deleted. When the
// destination already holds the file (same size and hash) the temporary copy
// is simply deleted; when it holds other bytes, it is never replaced: the
// copy fails, naming it, and the temporary copy is deleted. A failure deletes it too, and a delete that S3 refuses
// fails the run, naming the object: only a killed process leaves a
// .metalink-upload- object behind, which a bucket lifecycle rule on that name
// may expire. A file that fails does not cancel the other files' copies under
// way (a cancelled request may still be carried out by S3 after the cleanup),
// it only keeps further files from starting.
package mirror

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/fanout"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/progress"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// DefaultConcurrency is how many files are copied at once.
const DefaultConcurrency = 4

// Request is the mirroring of one metalink.
type Request struct {
	Metalink metalink.Metalink
	// Local, when set, holds for each file of the metalink the local path it
	// was generated from: its hashes are computed from it and its copies
	// read from it. Otherwise files are read from their URLs and verified.
	Local []string
	// BaseDir is what file://./relative destinations are relative to.
	BaseDir string
	Verify  verify.Options // for files read from their URLs
	// Segments say when a file read from its URLs is fetched from several
	// at once (source.download).
	Segments download.Segments
	Log      io.Writer // progress and what was copied where; nil discards
	// Concurrency is how many files are copied at once; 0: DefaultConcurrency.
	Concurrency int
	// ProgressInterval is the time between progress lines; 0: 5 seconds.
	ProgressInterval time.Duration

	// openLocal opens the files of Local; nil: os.Open. Tests set it, through
	// export_test.go, to count how often each file is opened and read.
	openLocal func(path string) (io.ReadCloser, error)
}

// Result is the metalink with the hashes of generated files and the URLs of
// every copy, and what it took.
type Result struct {
	Metalink metalink.Metalink
	Copied   int   // copies written
	Present  int   // copies that were already there
	Bytes    int64 // bytes written to destinations
}

// Run copies every file to every target. Every template is rendered and
// every destination parsed before any byte moves, so that a mistake in
// mirror_files costs no upload. When Run fails, no copy it made is left
// unfinished; copies it completed stay (they hold verified bytes).
func Run(ctx context.Context, plan *Plan, req Request) (Result, error) {
	env := newEnvironment(plan, req)
	var err error
	jobs := make([]*job, len(req.Metalink.Files))
	for i, f := range req.Metalink.Files {
		if jobs[i], err = env.plan(ctx, f, localPath(req.Local, i)); err != nil {
			return Result{}, err
		}
	}
	if err := checkDistinct(jobs); err != nil {
		return Result{}, err
	}
	// A failing file stops files from starting, but does not cancel the
	// copies under way: a request cancelled in flight may still be carried
	// out by S3 after the temporary object it made was deleted. Only the
	// caller's ctx (an aborted build) cancels them.
	var group errgroup.Group
	group.SetLimit(orDefault(req.Concurrency, DefaultConcurrency))
	var failed atomic.Bool
	for _, j := range jobs {
		group.Go(func() error {
			if failed.Load() {
				return nil
			}
			err := j.run(ctx)
			if err != nil {
				failed.Store(true)
			}
			if err != nil && ctx.Err() != nil {
				// Stopped: the same line whichever step the signal caught.
				return fmt.Errorf("mirror %s: %w", j.file.Name, context.Cause(ctx))
			}
			return err
		})
	}
	if err := group.Wait(); err != nil {
		return Result{}, err
	}
	return assemble(req.Metalink, jobs), nil
}

func localPath(local []string, i int) string {
	if i < len(local) {
		return local[i]
	}
	return ""
}

func orDefault(value, fallback int) int {
	if value > 0 {
		return value
	}
	return fallback
}

// environment is what every job of a Run shares.
type environment struct {
	targets  []compiledTarget
	opener   *opener
	local    func(path string) (io.ReadCloser, error) // opens a generated file
	reader   transfer.Handler
	verify   verify.Options
	segments download.Segments
	log      io.Writer
	interval time.Duration
}

func newEnvironment(plan *Plan, req Request) *environment {
	log := req.Log
	if log == nil {
		log = io.Discard
	}
	local := req.openLocal
	if local == nil {
		local = func(path string) (io.ReadCloser, error) { return os.Open(path) }
	}
	return &environment{
		targets: plan.targets, opener: newOpener(req.BaseDir, plan.handlers), local: local, reader: plan.handlers.Router(),
		verify: req.Verify, segments: req.Segments, log: log, interval: req.ProgressInterval,
	}
}

// note writes a line about what was copied where to the log. A log that
// fails to take it is not a reason to fail the copies, which are sound: the
// write's error is dropped.
func (e *environment) note(format string, args ...any) {
	_, _ = fmt.Fprintf(e.log, format+"\n", args...)
}

// job is one file and its copies.
type job struct {
	env    *environment
	file   metalink.File // a generated file's hashes are filled in by its first pass
	local  string        // a generated file's path; "" when read from its URLs
	copies []*copyState  // one per target
}

// copyState is one file at one target.
type copyState struct {
	target   compiledTarget
	rendered *rendered   // nil until the file's hashes are known, when the templates use them
	dest     destination // opened with rendered
	staging  stagingArea // a generated file's: where it is copied while its hashes are computed
	done     bool        // the destination holds the file
	written  bool        // ... because this run copied it
}

// plan renders what can be rendered now and checks the rest against
// made-up hashes, so that template and URL mistakes surface before any
// upload.
func (e *environment) plan(ctx context.Context, f metalink.File, local string) (*job, error) {
	if local == "" && len(e.targets) > 0 && len(f.URLs) == 0 {
		return nil, fmt.Errorf("mirror %s: the metalink gives no URL to copy it from", f.Name)
	}
	j := &job{env: e, file: f, local: local}
	for _, target := range e.targets {
		state := &copyState{target: target}
		j.copies = append(j.copies, state)
		if local == "" {
			if err := state.open(ctx, e.opener, f); err != nil {
				return nil, err
			}
			continue
		}
		first, second, err := target.samples(f)
		if err != nil {
			return nil, err
		}
		if first == second {
			if err := state.open(ctx, e.opener, f); err != nil {
				return nil, err
			}
		}
		if state.staging, err = e.opener.stagingArea(ctx, first.destination, second.destination); err != nil {
			return nil, fmt.Errorf("%s: %w", target.name("destination"), err)
		}
	}
	return j, nil
}

// checkDistinct refuses two files copied to the same destination, where
// the second would silently replace the first.
func checkDistinct(jobs []*job) error {
	owners := map[string]string{}
	for _, j := range jobs {
		for _, state := range j.copies {
			if state.dest == nil {
				continue
			}
			where := state.dest.String()
			if owner, taken := owners[where]; taken && owner != j.file.Name {
				return fmt.Errorf("%s: %s and %s would both be copied to %s", state.target.name("destination"), owner, j.file.Name, where)
			}
			owners[where] = j.file.Name
		}
	}
	return nil
}

func (s *copyState) open(ctx context.Context, o *opener, f metalink.File) error {
	r, err := s.target.render(f)
	if err != nil {
		return err
	}
	dest, err := o.open(ctx, r.destination)
	if err != nil {
		return fmt.Errorf("%s: %w", s.target.name("destination"), err)
	}
	s.rendered, s.dest = &r, dest
	return nil
}

func (j *job) run(ctx context.Context) error {
	if j.local != "" {
		return j.generate(ctx)
	}
	if err := j.copyRemaining(ctx); err != nil {
		return fmt.Errorf("mirror %s: %w", j.file.Name, err)
	}
	return nil
}

// generate reads a generated file once: its hashes are computed while the
// bytes stream to a temporary copy for every target, which commit moves to
// the destination the hashes name.
func (j *job) generate(ctx context.Context) error {
	source, err := j.env.local(j.local)
	if err != nil {
		return fmt.Errorf("read %s: %w", j.local, err)
	}
	staged, err := j.stage(ctx)
	if err != nil {
		return errors.Join(fmt.Errorf("mirror %s: %w", j.file.Name, err), source.Close())
	}
	hashes, err := j.hashWhileCopying(ctx, source, staged)
	// A file that fails to close after its last byte is a failed read too:
	// its copies are aborted before any of them becomes visible.
	if err = errors.Join(err, source.Close()); err != nil {
		staged.abort(err)
		return fmt.Errorf("read %s: %w", j.local, err)
	}
	j.file.Hashes = hashes
	if err := j.commitStaged(ctx, staged); err != nil {
		return fmt.Errorf("mirror %s: %w", j.file.Name, err)
	}
	return nil
}

// stage starts the temporary copy of the file for every target; the
// uploads of the copies it returns are the staged ones, in target order.
func (j *job) stage(ctx context.Context) (*copies, error) {
	staged := &copies{ctx: ctx, file: j.file}
	for _, state := range j.copies {
		u, err := state.staging.start(ctx)
		if err != nil {
			staged.abort(err)
			return nil, err
		}
		staged.uploads = append(staged.uploads, u)
	}
	return staged, nil
}

// commitStaged tells each staged copy, now that the hashes are known, where
// it goes (or that its destination holds the file already), then commits
// them all.
func (j *job) commitStaged(ctx context.Context, staged *copies) error {
	var placed []*copyState
	for i, state := range j.copies {
		dest, err := j.settle(ctx, state)
		if err != nil {
			staged.abort(err)
			return err
		}
		staged.uploads[i].(stagedUpload).place(state.target.name("destination"), dest, j.file)
		if dest != nil {
			placed = append(placed, state)
		}
	}
	if err := staged.commit(); err != nil {
		return err
	}
	for _, state := range placed {
		j.copied(state)
	}
	return nil
}

// hashWhileCopying feeds the file to the hashers and to the staged copies.
func (j *job) hashWhileCopying(ctx context.Context, source io.Reader, staged *copies) ([]metalink.Hash, error) {
	meter := progress.Start(j.env.log, j.file.Name, progress.Options{Interval: j.env.interval})
	meter.SetTotal(int64(j.file.Size))
	sums := newDigests()
	fan := fanout.New(ctx, append(staged.Writers(), sums.Writers()...)...)
	copyErr := fan.CopyFrom(source, meter.Add)
	err := firstError(copyErr, fan.Close())
	meter.Stop()
	if err == nil && uint64(fan.Fed()) != j.file.Size {
		err = fmt.Errorf("the file changed while it was read: %d bytes instead of %d", fan.Fed(), j.file.Size)
	}
	if err != nil {
		return nil, err
	}
	return sums.Sums(), nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// copyRemaining copies a file read from its URLs to every destination that
// does not hold it yet, in one verified pass over its bytes.
func (j *job) copyRemaining(ctx context.Context) error {
	pending, states, err := j.pending(ctx)
	if err != nil || len(states) == 0 {
		return err
	}
	report, err := download.Stream(ctx, j.file, pending, j.downloadOptions())
	if err == nil {
		err = pending.commit()
	}
	if err != nil {
		pending.abort(err)
		return err
	}
	for _, line := range report {
		j.env.note("%s", line)
	}
	for _, state := range states {
		j.copied(state)
	}
	return nil
}

// pending returns the copies still to make, leaving out destinations that
// already hold the file.
func (j *job) pending(ctx context.Context) (*copies, []*copyState, error) {
	pending := &copies{ctx: ctx, file: j.file}
	var states []*copyState
	for _, state := range j.copies {
		dest, err := j.settle(ctx, state)
		if err != nil {
			return nil, nil, err
		}
		if dest != nil {
			pending.dests = append(pending.dests, dest)
			states = append(states, state)
		}
	}
	return pending, states, nil
}

// settle opens the copy's destination, rendered with the file's hashes, and
// returns it; nil when the destination already holds the file. A
// destination that holds other bytes is never replaced: what a mirror
// holds, builds may have fetched.
func (j *job) settle(ctx context.Context, state *copyState) (destination, error) {
	if state.dest == nil {
		if err := state.open(ctx, j.env.opener, j.file); err != nil {
			return nil, err
		}
	}
	present, err := state.dest.existing(ctx)
	if err != nil || present == nil {
		return state.dest, err
	}
	same, why, err := present.compare(ctx, j.file)
	switch {
	case err != nil:
		return nil, err
	case !same:
		return nil, fmt.Errorf("%s already holds other bytes (%s): a mirror never replaces what it holds; give %s a key that differs for other bytes, e.g. with {{.SHA256}}",
			state.dest, why, state.target.name("destination"))
	}
	state.done = true
	j.env.note("%s: %s already holds it", j.file.Name, state.dest)
	return nil, nil
}

func (j *job) copied(state *copyState) {
	state.done, state.written = true, true
	j.env.note("%s: copied to %s", j.file.Name, state.dest)
}

func (j *job) downloadOptions() download.Options {
	return download.Options{
		Reader: j.env.reader, Verify: j.env.verify, Progress: j.env.log, Report: j.env.log,
		ProgressInterval: j.env.interval, Segments: j.env.segments,
	}
}

// assemble is the metalink with every file's hashes and copies.
func assemble(m metalink.Metalink, jobs []*job) Result {
	result := Result{Metalink: m}
	result.Metalink.Files = slices.Clone(m.Files)
	for i, j := range jobs {
		f := j.file
		f.URLs = slices.Clone(f.URLs)
		for _, state := range j.copies {
			f.URLs = appendURL(f.URLs, state)
			if state.written {
				result.Copied++
				result.Bytes += int64(f.Size)
			} else {
				result.Present++
			}
		}
		result.Metalink.Files[i] = f
	}
	return result
}

// appendURL records a copy, unless the metalink already lists its URL.
func appendURL(urls []metalink.URL, state *copyState) []metalink.URL {
	recorded := state.rendered.recordedURL
	if recorded == "" {
		recorded = state.dest.String()
	}
	if slices.ContainsFunc(urls, func(u metalink.URL) bool { return u.URL == recorded }) {
		return urls
	}
	return append(urls, metalink.URL{URL: recorded, Location: state.target.Location, Priority: state.target.Priority})
}
