package serve

import (
	"context"
	"fmt"

	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// sourceState is a repository and the documents of its last good read.
type sourceState struct {
	Source
	repo    repository.Repository
	entries []repository.Entry
	loaded  bool
	err     error // of the last read; the last good entries are still served
}

// Reload reads every repository again and swaps in the index of what they
// hold now. A repository that fails keeps its last good documents and the
// failure is logged.
func (s *Server) Reload(ctx context.Context) {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	repos := make([]repoEntries, 0, len(s.sources))
	for _, src := range s.sources {
		if err := src.read(ctx); err != nil {
			src.err = err
			logf(s.opts.Log, "serve: %s: %v (serving its last good state: %d documents)\n", src.Name, err, len(src.entries))
		} else if src.err != nil || !src.loaded {
			src.err, src.loaded = nil, true
			logf(s.opts.Log, "serve: %s: %d documents\n", src.Name, len(src.entries))
		}
		repos = append(repos, repoEntries{name: src.Name, entries: src.entries, err: src.err, repo: src.repo})
	}
	idx := buildIndex(repos)
	if old := s.index.Swap(idx); len(old.contents) != len(idx.contents) || old.skipped != idx.skipped {
		skipped := ""
		if idx.skipped > 0 {
			skipped = fmt.Sprintf(" (%d without a hash, not served)", idx.skipped)
		}
		logf(s.opts.Log, "serve: %d files from %d repositories%s\n", len(idx.contents), len(repos), skipped)
	}
}

// read lists the repository, opening it first when no earlier open
// succeeded.
func (src *sourceState) read(ctx context.Context) error {
	if src.repo == nil {
		repo, err := src.Open(ctx)
		if err != nil {
			return err
		}
		src.repo = repo
	}
	entries, err := src.repo.List(ctx)
	if err != nil {
		return err
	}
	src.entries = entries
	return nil
}
