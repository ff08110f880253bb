package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// maxHistoryCommits bounds the commits History walks: a catalog shows how
// a document came to be, not an archive of every commit ever.
const maxHistoryCommits = 10_000

// History reads the whole branch (the cache List keeps is shallow, so this
// fetches its history into memory once) and gives, for each document at
// the tip, the commits that changed its blob, newest first.
func (r *repo) History(ctx context.Context) (map[string][]repository.Change, error) {
	history, err := r.history(ctx)
	return history, r.redact(err)
}

func (r *repo) history(ctx context.Context) (map[string][]repository.Change, error) {
	branch, err := r.resolveBranch(ctx, r.loc.branch)
	if err != nil || branch.remoteEmpty {
		return nil, err
	}
	if branch.tip.IsZero() {
		return nil, fmt.Errorf("branch %s does not exist in %s", redact.Quote(branch.name), r.loc.remote)
	}
	clone, err := git.CloneContext(r.withNetwork(ctx), memory.NewStorage(), nil, &git.CloneOptions{
		URL:           r.loc.remote,
		Auth:          r.auth,
		ReferenceName: plumbing.NewBranchReferenceName(branch.name),
		SingleBranch:  true,
		NoCheckout:    true,
		Tags:          git.NoTags,
	})
	if err != nil {
		return nil, r.transportError(fmt.Sprintf("fetch the history of branch %s from", redact.Quote(branch.name)), err)
	}
	head, err := clone.Head()
	if err != nil {
		return nil, fmt.Errorf("read the history of %s: %w", r.loc.remote, err)
	}
	return r.walkHistory(ctx, clone, head.Hash())
}

// walkHistory follows first parents from tip and records each commit that
// changed the blob of a document the tip holds.
func (r *repo) walkHistory(ctx context.Context, clone *git.Repository, tip plumbing.Hash) (map[string][]repository.Change, error) {
	blobsAt := func(commit plumbing.Hash) (map[string]plumbing.Hash, error) {
		refs, err := findMetalinks(clone.Storer, commit, r.loc.subPath)
		blobs := make(map[string]plumbing.Hash, len(refs))
		for _, ref := range refs {
			blobs[ref.path] = ref.blob
		}
		return blobs, err
	}
	current, err := blobsAt(tip)
	if err != nil {
		return nil, fmt.Errorf("read tree of %s at %s: %w", r.loc.remote, tip, err)
	}
	history := make(map[string][]repository.Change, len(current))
	commit, err := clone.CommitObject(tip)
	if err != nil {
		return nil, fmt.Errorf("read the history of %s: %w", r.loc.remote, err)
	}
	for walked, blobs := 1, current; ; walked++ {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		parent, err := commit.Parent(0)
		if err != nil && !errors.Is(err, object.ErrParentNotFound) {
			return nil, fmt.Errorf("read the history of %s at %s: %w", r.loc.remote, commit.Hash, err)
		}
		var before map[string]plumbing.Hash
		if parent != nil {
			if before, err = blobsAt(parent.Hash); err != nil {
				return nil, fmt.Errorf("read tree of %s at %s: %w", r.loc.remote, parent.Hash, err)
			}
		}
		for path, blob := range blobs {
			if _, kept := current[path]; kept && before[path] != blob {
				history[path] = append(history[path], changeOf(commit))
			}
		}
		if parent == nil || walked == maxHistoryCommits {
			return history, nil
		}
		commit, blobs = parent, before
	}
}

// changeOf is what a catalog shows of commit.
func changeOf(commit *object.Commit) repository.Change {
	summary, _, _ := strings.Cut(strings.TrimSpace(commit.Message), "\n")
	return repository.Change{
		ID:       commit.Hash.String(),
		Author:   commit.Author.Name,
		When:     commit.Author.When,
		Summary:  summary,
		Trailers: repository.ParseTrailers(commit.Message),
	}
}
