package audit

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/progress"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// task is one URL of one file to check.
type task struct {
	path string
	file metalink.File
	url  string
	role Role
}

// Run checks every URL of every file of entries that opts selects and
// returns what it found, problems in the order of the documents, their
// files and URLs. Its error is the end of ctx or invalid options: a URL
// that fails is a Problem, never an error.
func Run(ctx context.Context, entries []repository.Entry, opts Options) (Result, error) {
	if err := opts.Validate(); err != nil {
		return Result{}, err
	}
	result, tasks := plan(entries, &opts)
	c := newChecker(opts)
	found := make([]*Problem, len(tasks))
	var done atomic.Int64
	stop := startProgress(opts, &done, len(tasks))
	defer stop()
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.Jobs, max(len(tasks), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				found[i] = c.check(ctx, tasks[i])
				done.Add(1)
			}
		}()
	}
	feed(ctx, work, len(tasks))
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return result, err
	}
	for _, p := range found {
		if p != nil {
			result.Problems = append(result.Problems, *p)
		}
	}
	return result, nil
}

// feed hands out the indexes of n tasks until ctx ends.
func feed(ctx context.Context, work chan<- int, n int) {
	defer close(work)
	for i := range n {
		select {
		case work <- i:
		case <-ctx.Done():
			return
		}
	}
}

// plan lists the URLs to check and counts what the result reports.
func plan(entries []repository.Entry, opts *Options) (Result, []task) {
	result := Result{Versions: len(entries), Problems: []Problem{}}
	var tasks []task
	for _, entry := range entries {
		for _, f := range entry.Metalink.Files {
			result.Files++
			for _, u := range f.URLs {
				role := Upstream
				if opts.IsMirror(u.URL) {
					role = Mirror
					result.Copies++
				} else if !opts.Upstream {
					continue
				} else {
					result.Upstreams++
				}
				tasks = append(tasks, task{path: entry.Path, file: f, url: u.URL, role: role})
			}
		}
	}
	return result, tasks
}

// startProgress prints how far the audit is on every tick, so that a long
// deep audit in a CI log shows it is alive.
func startProgress(opts Options, done *atomic.Int64, total int) (stop func()) {
	if opts.Progress == nil {
		return func() {}
	}
	return progress.Every(progress.Options{Interval: opts.ProgressInterval, Ticks: opts.Ticks}, func() {
		_, _ = fmt.Fprintf(opts.Progress, "verify: checked %d/%d URLs\n", done.Load(), total)
	})
}

// shown is rawURL as a problem names it: no userinfo, no credential in its
// query, no fragment.
func shown(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return redact.UnparsedURL(rawURL)
	}
	return redact.URL(u)
}
