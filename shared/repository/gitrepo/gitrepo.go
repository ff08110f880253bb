// Package gitrepo is the git backend of metalink-repository, on go-git: no
// git binary is needed. check and in read the branch tip's tree from a
// shallow, single-branch, bare cache under $TMPDIR that later runs in the same
// container reuse; out commits one file on the tip and pushes, re-applying the
// change on the new tip when the branch moved meanwhile.
package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// repo is a git repository of metalinks.
type repo struct {
	loc      location
	settings settings
	auth     transport.AuthMethod
	tempDir  string
	stderr   io.Writer
	// network sends the requests of git over http(s) (see installHTTP).
	network *network.Client
	// backoff is how long to wait before retry number attempt (1-based) of a
	// rejected push; tests make it instant.
	backoff func(attempt int) time.Duration
}

// Configure validates uri; names are the front end's names of "uri" and of
// each option ("options.private_key"). The opener connects nothing either:
// the remote is contacted by List and Put.
func Configure(uri string, options Options, names field.Names) (repository.Opener, error) {
	loc, err := parseURI(uri)
	if err != nil {
		return nil, names.ValueError("uri", redact.Quote(redact.UnparsedURL(uri)), err)
	}
	s := newSettings(options, names)
	return func(_ context.Context, env repository.Env) (repository.Repository, error) {
		return open(loc, s, env)
	}, nil
}

func open(loc location, s settings, env repository.Env) (repository.Repository, error) {
	installHTTP()
	r := &repo{
		loc: loc, settings: s, tempDir: env.TempDir, stderr: env.Stderr, backoff: jitteredBackoff,
		network: env.Client(),
	}
	if r.tempDir == "" {
		r.tempDir = os.TempDir()
	}
	if r.stderr == nil {
		r.stderr = io.Discard
	}
	r.stderr = redact.NewWriter(r.stderr, r.secrets()...)
	var err error
	if r.auth, err = newAuth(loc, s, r.tempDir, r.stderr); err != nil {
		return nil, r.redact(err)
	}
	return r, nil
}

// installHTTP makes go-git send its http(s) requests through the network
// client of each call's context (see withNetwork), so that git over https
// has the trust, proxies and debug log of every other request. go-git takes
// a client for a scheme only process-wide, so the one installed holds no
// configuration of its own.
var installHTTP = sync.OnceFunc(func() {
	transport := githttp.NewClient(&http.Client{Transport: network.ViaContext{}})
	client.InstallProtocol("http", transport)
	client.InstallProtocol("https", transport)
})

// withNetwork is ctx carrying the repository's network client, for the
// go-git calls that talk to the remote.
func (r *repo) withNetwork(ctx context.Context) context.Context {
	return network.WithClient(ctx, r.network)
}

// jitteredBackoff waits 100–500 ms, so that writers that collided spread out.
func jitteredBackoff(int) time.Duration {
	return 100*time.Millisecond + rand.N(400*time.Millisecond)
}

func (r *repo) secrets() []string {
	return append([]string{r.loc.password}, r.settings.secrets...)
}

// redact keeps err's chain but removes every secret from its message.
func (r *repo) redact(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{message: redact.String(err.Error(), r.secrets()...), cause: err}
}

type redactedError struct {
	message string
	cause   error
}

func (e *redactedError) Error() string { return e.message }
func (e *redactedError) Unwrap() error { return e.cause }

// transportError adds what we were doing ("push to") and where, and
// explains the failures a pipeline author can fix.
func (r *repo) transportError(action string, err error) error {
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired):
		err = fmt.Errorf("%w: check the credentials (uri userinfo or %s)", err, r.settings.names.Of("options.username/password"))
	case errors.Is(err, transport.ErrAuthorizationFailed):
		err = fmt.Errorf("%w: the credentials are not allowed to do this", err)
	case r.loc.scheme == "ssh":
		err = describeHostKeyError(err, r.loc.hostPort, r.settings.names.Of("options.known_hosts"))
	}
	return fmt.Errorf("%s %s: %w", action, r.loc.remote, err)
}

// remoteBranch is what the remote says about the branch we work on.
type remoteBranch struct {
	name        string        // "" only for an empty remote and a uri without #branch
	tip         plumbing.Hash // zero when the branch does not exist (yet)
	remoteEmpty bool          // the remote has no refs at all
}

// resolveBranch asks the remote for its refs, as git ls-remote does, and
// picks the wanted branch or, when that is "", the one the remote's HEAD
// points at.
func (r *repo) resolveBranch(ctx context.Context, wanted string) (remoteBranch, error) {
	refs, err := r.listRefs(ctx)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) || (err == nil && len(refs) == 0) {
		return remoteBranch{name: wanted, remoteEmpty: true}, nil
	}
	if err != nil {
		return remoteBranch{}, r.transportError("list refs of", err)
	}
	branch := remoteBranch{name: wanted}
	if branch.name == "" {
		if branch.name = headBranch(refs); branch.name == "" {
			return remoteBranch{}, fmt.Errorf("%s has no HEAD branch: name one with #branch in the uri", r.loc.remote)
		}
	}
	want := plumbing.NewBranchReferenceName(branch.name)
	for _, ref := range refs {
		if ref.Name() == want && ref.Type() == plumbing.HashReference {
			branch.tip = ref.Hash()
		}
	}
	return branch, nil
}

// listRefs asks the remote for its refs. A local repository is read in
// this process, as its git-upload-pack would advertise them: no git
// executable and no process start for a check that finds it unchanged.
func (r *repo) listRefs(ctx context.Context) ([]*plumbing.Reference, error) {
	if r.loc.scheme == "file" {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return localRefs(r.loc.remote)
	}
	remote := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: remoteName, URLs: []string{r.loc.remote}})
	return remote.ListContext(r.withNetwork(ctx), &git.ListOptions{Auth: r.auth})
}

// localRefs are the branches and tags of the repository at fileURL, and
// HEAD when it names one of them.
func localRefs(fileURL string) ([]*plumbing.Reference, error) {
	u, err := url.Parse(fileURL)
	if err != nil {
		return nil, err
	}
	local, err := git.PlainOpenWithOptions(u.Path, &git.PlainOpenOptions{})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, transport.ErrRepositoryNotFound // in the words the remote would use
	}
	if err != nil {
		return nil, err
	}
	iter, err := local.Storer.IterReferences()
	if err != nil {
		return nil, err
	}
	var refs []*plumbing.Reference
	var head *plumbing.Reference
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		switch {
		case ref.Name() == plumbing.HEAD:
			head = ref
		case ref.Type() == plumbing.HashReference && (ref.Name().IsBranch() || ref.Name().IsTag()):
			refs = append(refs, ref)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if head != nil && slices.ContainsFunc(refs, func(ref *plumbing.Reference) bool { return ref.Name() == head.Target() }) {
		refs = append(refs, head)
	}
	return refs, nil
}

// headBranch finds the branch the remote's HEAD points at: from the symref
// the server advertises or, from servers that do not, the branch whose tip
// is HEAD's commit.
func headBranch(refs []*plumbing.Reference) string {
	var head *plumbing.Reference
	for _, ref := range refs {
		if ref.Name() == plumbing.HEAD {
			head = ref
		}
	}
	if head == nil {
		return ""
	}
	if head.Type() == plumbing.SymbolicReference {
		return head.Target().Short()
	}
	var candidates []string
	for _, ref := range refs {
		if ref.Name().IsBranch() && ref.Hash() == head.Hash() {
			candidates = append(candidates, ref.Name().Short())
		}
	}
	sort.Slice(candidates, func(i, j int) bool { return preferred(candidates[i]) < preferred(candidates[j]) })
	if len(candidates) == 0 {
		return ""
	}
	return candidates[0]
}

// preferred ranks the usual default branch names first, then by name.
func preferred(branch string) string {
	switch branch {
	case "main":
		return "0"
	case "master":
		return "1"
	}
	return "2" + branch
}

// List returns every *.meta4 document under the uri's sub-path at the tip of
// the branch.
func (r *repo) List(ctx context.Context) ([]repository.Entry, error) {
	entries, _, err := r.list(ctx)
	return entries, r.redact(err)
}

// ListState is List, and the branch tip and sub-path it read.
func (r *repo) ListState(ctx context.Context) ([]repository.Entry, string, error) {
	entries, state, err := r.list(ctx)
	return entries, state, r.redact(err)
}

// State is the branch tip and sub-path a List would read now: one ref
// advertisement. An empty remote has no state to name.
func (r *repo) State(ctx context.Context) (string, error) {
	branch, err := r.resolveBranch(ctx, r.loc.branch)
	if err != nil || branch.remoteEmpty {
		return "", r.redact(err)
	}
	if branch.tip.IsZero() {
		return "", r.redact(r.missingBranch(branch))
	}
	return listingKey(branch.tip, r.loc.subPath), nil
}

// CheckPut refuses an unsafe name and a sub-path glob, contacting nothing.
func (r *repo) CheckPut(name string) error {
	_, err := r.targetPath(name)
	return r.redact(err)
}

// Put commits data as name under the uri's sub-path and pushes it.
func (r *repo) Put(ctx context.Context, doc repository.Document) error {
	return r.redact(r.put(ctx, doc.Name, doc.Data, r.settings.commitMessage(doc.Summary, doc.Trailers)))
}
