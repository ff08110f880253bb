package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

func (r *repo) put(ctx context.Context, name string, data []byte, message string) error {
	target, err := r.targetPath(name)
	if err != nil {
		return err
	}
	branch, err := r.resolveBranch(ctx, r.loc.branch)
	if err != nil {
		return err
	}
	if branch.name == "" {
		return fmt.Errorf("%s is empty and the uri names no branch: add #branch to the uri", r.loc.remote)
	}
	s, err := openStore(ctx, r, branch.name)
	if err != nil {
		return err
	}
	defer s.close()

	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if branch, err = r.resolveBranch(ctx, branch.name); err != nil {
				return err
			}
		}
		pushed, err := s.commitAndPush(ctx, branch.tip, target, data, message)
		if err == nil {
			r.reportStored(target, branch.name, pushed)
			return nil
		}
		if !isWorthRetrying(ctx, err) || attempt >= r.settings.rebase {
			return fmt.Errorf("store %s in %s branch %s (attempt %d of %d): %w", target, r.loc.remote, branch.name, attempt+1, r.settings.rebase+1, err)
		}
		_, _ = fmt.Fprintf(r.stderr, "push of %s was rejected, retrying on the new tip of branch %s: %v\n", target, branch.name, err)
		if err := sleep(ctx, r.backoff(attempt+1)); err != nil {
			return err
		}
	}
}

func (r *repo) reportStored(target, branch string, pushed bool) {
	if pushed {
		_, _ = fmt.Fprintf(r.stderr, "pushed %s to %s branch %s\n", target, r.loc.remote, branch)
		return
	}
	_, _ = fmt.Fprintf(r.stderr, "%s in %s branch %s already has this content: nothing to commit\n", target, r.loc.remote, branch)
}

// targetPath is where name goes in the repository: under the uri's sub-path,
// which must be a plain directory for writing.
func (r *repo) targetPath(name string) (string, error) {
	if strings.ContainsAny(r.loc.subPath, `*?[{\`) {
		return "", fmt.Errorf("cannot store %s under the sub-path glob %s: the uri's //sub/path must name one directory to write to", redact.Quote(name), redact.Quote(r.loc.subPath))
	}
	if err := validateName(name); err != nil {
		return "", err
	}
	return path.Join(r.loc.subPath, name), nil
}

// validateName rejects names that could leave the sub-path, as every
// backend does, and names that would touch git's own files.
func validateName(name string) error {
	if err := metalink.ValidateName(name); err != nil {
		return fmt.Errorf("invalid metalink name: %w", err)
	}
	for segment := range strings.SplitSeq(name, "/") {
		if strings.EqualFold(segment, ".git") {
			return fmt.Errorf("invalid metalink name %s: segment %s is not allowed", redact.Quote(name), redact.Quote(segment))
		}
	}
	return nil
}

// commitAndPush writes the file on top of tip (zero: a first commit) and
// pushes it. pushed is false when tip already has exactly this content.
func (s *store) commitAndPush(ctx context.Context, tip plumbing.Hash, target string, data []byte, message string) (pushed bool, err error) {
	if tip, err = s.sync(ctx, tip); err != nil {
		return false, err
	}
	commit, changed, err := s.commitFile(tip, target, data, message)
	if err != nil || !changed {
		return false, err
	}
	return true, s.push(ctx, tip, commit)
}

// push moves the remote branch from tip to commit. Leasing on tip, the push
// fails rather than overwrite a commit someone else pushed meanwhile; the
// server checks the old value again under its ref lock.
func (s *store) push(ctx context.Context, tip, commit plumbing.Hash) error {
	branchRef := plumbing.NewBranchReferenceName(s.branch)
	if err := s.storage.SetReference(plumbing.NewHashReference(branchRef, commit)); err != nil {
		return fmt.Errorf("record new commit: %w", err)
	}
	options := &git.PushOptions{
		RemoteName: remoteName,
		RefSpecs:   []config.RefSpec{config.RefSpec(fmt.Sprintf("%s:%s", branchRef, branchRef))},
		Auth:       s.repo.auth,
		Progress:   s.repo.stderr, // what the server says, such as why a hook declined
	}
	if !tip.IsZero() {
		// The lease skips go-git's local fast-forward check, which cannot see
		// past the shallow boundary; commit's parent is tip, so it is one.
		options.ForceWithLease = &git.ForceWithLease{RefName: branchRef, Hash: tip}
	}
	err := s.remote.PushContext(s.repo.withNetwork(ctx), options)
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return s.repo.transportError("push to", err)
	}
	return nil
}

// isWorthRetrying tells a rejected push (the branch moved, a hook said no,
// the connection dropped) from failures that another attempt cannot fix.
func isWorthRetrying(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	for _, permanent := range []error{
		transport.ErrAuthenticationRequired,
		transport.ErrAuthorizationFailed,
		transport.ErrRepositoryNotFound,
		transport.ErrInvalidAuthMethod,
	} {
		if errors.Is(err, permanent) {
			return false
		}
	}
	var pathErr *treePathError
	var hostKeyErr *knownhosts.KeyError
	return !errors.As(err, &pathErr) && !errors.As(err, &hostKeyErr)
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
