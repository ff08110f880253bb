package gitrepo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

const (
	// cacheRoot is the directory under $TMPDIR that holds one cache per
	// remote and branch; Concourse keeps $TMPDIR between checks of a container.
	cacheRoot = "metalink-repository-git"
	// remoteName is the name go-git knows the remote by inside a cache.
	remoteName = "origin"
	// objectCacheBytes bounds go-git's decoded-object cache: blobs are read
	// once each, so a big cache only costs memory.
	objectCacheBytes = 1 * cache.MiByte
	// maxPacks is how many pack files (one per incremental fetch) a cache may
	// collect before it starts over, so lookups stay fast in a container
	// that checks for months.
	maxPacks = 32
	// lockPoll is how often a waiting run retries the cache lock.
	lockPoll = 50 * time.Millisecond
)

// store is a bare, shallow, single-branch copy of one remote branch kept on
// disk between runs, plus the parsed-metalink index beside it. A store is
// locked for the exclusive use of one run.
type store struct {
	dir     string
	lock    *os.File
	storage *filesystem.Storage
	remote  *git.Remote
	repo    *repo
	branch  string
}

// openStore locks and opens the cache for branch of r's remote, creating it
// when missing.
func openStore(ctx context.Context, r *repo, branch string) (*store, error) {
	dir := cacheDir(r, branch)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create cache directory: %w", err)
	}
	lock, err := lockDir(ctx, dir)
	if err != nil {
		return nil, err
	}
	s := &store{dir: dir, lock: lock, repo: r, branch: branch}
	if err := s.openStorage(); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// cacheDir is the cache of branch of r's remote.
func cacheDir(r *repo, branch string) string {
	key := sha256.Sum256([]byte(r.loc.remote + "#" + branch))
	return filepath.Join(r.tempDir, cacheRoot, hex.EncodeToString(key[:]))
}

// lockDir takes an exclusive flock on dir/lock, waiting for another run in
// the same container to finish with the cache.
func lockDir(ctx context.Context, dir string) (*os.File, error) {
	file, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open cache lock: %w", err)
	}
	for {
		err := syscall.Flock(int(file.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return file, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			_ = file.Close() // never written to: closing cannot lose data
			return nil, fmt.Errorf("lock cache: %w", err)
		}
		select {
		case <-ctx.Done():
			_ = file.Close() // never written to: closing cannot lose data
			return nil, fmt.Errorf("wait for cache lock: %w", ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}

func (s *store) gitDir() string { return filepath.Join(s.dir, "git") }

// openStorage opens the bare repository of the cache, first throwing it away
// when it has collected too many packs.
func (s *store) openStorage() error {
	if packs, _ := filepath.Glob(filepath.Join(s.gitDir(), "objects", "pack", "*.pack")); len(packs) > maxPacks {
		if err := os.RemoveAll(s.gitDir()); err != nil {
			return fmt.Errorf("reset cache: %w", err)
		}
	}
	s.storage = filesystem.NewStorageWithOptions(osfs.New(s.gitDir()), cache.NewObjectLRU(objectCacheBytes), filesystem.Options{
		ExclusiveAccess: true, // we hold the lock
		KeepDescriptors: true, // reading thousands of blobs must not reopen the pack each time
	})
	s.remote = git.NewRemote(s.storage, &config.RemoteConfig{Name: remoteName, URLs: []string{s.repo.loc.remote}})
	return nil
}

// discard throws the cached objects away after fetchErr, a fetch that failed
// halfway, so that the next attempt or run starts clean, and reopens the
// storage for the next attempt. It returns fetchErr and what else failed.
func (s *store) discard(fetchErr error) error {
	_ = s.storage.Close() // it only holds read descriptors, of packs about to go
	err := fetchErr
	if removeErr := os.RemoveAll(s.gitDir()); removeErr != nil {
		err = fmt.Errorf("%w; discard the cache: %w", err, removeErr)
	}
	if reopenErr := s.openStorage(); reopenErr != nil {
		err = fmt.Errorf("%w; %w", err, reopenErr)
	}
	return err
}

// close releases the cache. Nothing here can lose data: the storage only
// holds read descriptors of packs, the lock file is never written to, and
// closing it releases the lock anyway.
func (s *store) close() {
	if s.storage != nil {
		_ = s.storage.Close()
	}
	_ = syscall.Flock(int(s.lock.Fd()), syscall.LOCK_UN)
	_ = s.lock.Close()
}

func (s *store) trackingRef() plumbing.ReferenceName {
	return plumbing.NewRemoteReferenceName(remoteName, s.branch)
}

// sync makes sure the commit tip (as the remote advertised it) and its tree
// are in the cache, fetching them shallowly when they are not. It returns the
// commit the cache now holds for the branch, which is newer than tip when the
// branch moved in between.
func (s *store) sync(ctx context.Context, tip plumbing.Hash) (plumbing.Hash, error) {
	if tip.IsZero() {
		return tip, nil
	}
	if !s.hasCommit(tip) {
		fetched, err := s.fetch(ctx)
		if err != nil {
			return plumbing.ZeroHash, s.discard(err)
		}
		tip = fetched
	}
	// Put's push lease needs the tracking ref even when nothing was fetched.
	if ref, err := s.storage.Reference(s.trackingRef()); err == nil && ref.Hash() == tip {
		return tip, nil
	}
	if err := s.storage.SetReference(plumbing.NewHashReference(s.trackingRef(), tip)); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("record fetched tip: %w", err)
	}
	return tip, nil
}

// hasCommit reads the commit rather than asking HasEncodedObject: with
// ExclusiveAccess, go-git's HasEncodedObject looks among loose objects only
// and misses every packed one, so a warm run would ask the remote again.
func (s *store) hasCommit(hash plumbing.Hash) bool {
	_, err := s.storage.EncodedObject(plumbing.CommitObject, hash)
	return err == nil
}

// fetch brings the branch tip with depth 1, force-updating the tracking ref
// so that a force-pushed remote replaces what we had.
func (s *store) fetch(ctx context.Context) (plumbing.Hash, error) {
	refSpec := config.RefSpec(fmt.Sprintf("+%s:%s", plumbing.NewBranchReferenceName(s.branch), s.trackingRef()))
	err := s.remote.FetchContext(s.repo.withNetwork(ctx), &git.FetchOptions{
		RemoteName: remoteName,
		RefSpecs:   []config.RefSpec{refSpec},
		Depth:      1,
		Auth:       s.repo.auth,
		Tags:       git.NoTags,
		Force:      true,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return plumbing.ZeroHash, s.repo.transportError(fmt.Sprintf("fetch branch %s from", redact.Quote(s.branch)), err)
	}
	ref, err := s.storage.Reference(s.trackingRef())
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("fetch branch %s from %s: fetched nothing: %w", redact.Quote(s.branch), s.repo.loc.remote, err)
	}
	return ref.Hash(), nil
}
