// Package audit checks that the files a metalink repository describes are
// still where its documents say: every mirror copy present with the right
// size (and, deep, the right bytes), and optionally whether the upstream
// URLs still serve the bytes that were mirrored. It is meta4-repo verify's
// engine; it takes the documents, not a repository, so that any front end
// lists them its own way.
package audit

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// DefaultJobs is how many URLs are checked at once; DefaultPerHost bounds
// the checks one host receives at once, out of politeness.
const (
	DefaultJobs    = 8
	DefaultPerHost = 4
)

// Options say what to check and how.
type Options struct {
	// Deep downloads every checked URL and hashes it against the metalink
	// (size, strongest hash, pieces); otherwise only sizes are compared,
	// and the hashes an S3 object records in its metadata.
	Deep bool
	// Trust, with Deep, has every downloaded copy's signatures checked
	// as in checks them; nil: signatures are not checked.
	Trust *verify.Trust
	// Upstream also checks the URLs that are not mirror copies.
	Upstream bool
	// Mirrors are URL prefixes that make a URL a mirror copy. Empty: every
	// s3:// and file:// URL is one (what out's mirror_files records).
	Mirrors []string
	// Jobs is how many URLs are checked at once (0: DefaultJobs);
	// PerHost how many of them may go to one host (0: DefaultPerHost).
	Jobs, PerHost int
	// Handlers read the URLs: s3:// with their credentials, http(s), ftp
	// and file. Nil: anonymous S3 and the default network client.
	Handlers *urlhandlers.Set
	// Progress receives "verify: checked N/M URLs" every ProgressInterval
	// (0: progress.DefaultInterval) while the audit runs; nil: none.
	Progress         io.Writer
	ProgressInterval time.Duration
	// Ticks, when set, replaces ProgressInterval's clock (tests).
	Ticks <-chan time.Time
	// Names say the fields of Options in the front end's words
	// ("jobs" → "--jobs"); nil keeps them.
	Names func(field string) string
}

// Validate fills the defaults and refuses values that cannot work, naming
// the field as Names spells it.
func (o *Options) Validate() error {
	name := o.Names
	if name == nil {
		name = func(f string) string { return f }
	}
	if o.Jobs < 0 {
		return fmt.Errorf("%s %d: must be positive", name("jobs"), o.Jobs)
	}
	if o.PerHost < 0 {
		return fmt.Errorf("%s %d: must be positive", name("per_host"), o.PerHost)
	}
	for _, prefix := range o.Mirrors {
		if !strings.Contains(prefix, "://") {
			return fmt.Errorf("%s %q: expected a URL prefix such as s3://host/bucket/ or https://cdn.example.com/", name("mirrors"), prefix)
		}
	}
	if o.Jobs == 0 {
		o.Jobs = DefaultJobs
	}
	if o.PerHost == 0 {
		o.PerHost = DefaultPerHost
	}
	if o.Handlers == nil {
		var err error
		if o.Handlers, err = urlhandlers.Compile("handlers", nil, network.Default()); err != nil {
			return err
		}
	}
	return nil
}

// IsMirror says whether rawURL is a mirror copy under o's rule.
func (o *Options) IsMirror(rawURL string) bool {
	if len(o.Mirrors) == 0 {
		scheme := transfer.Scheme(rawURL)
		return scheme == "s3" || scheme == "file"
	}
	for _, prefix := range o.Mirrors {
		if strings.HasPrefix(rawURL, prefix) {
			return true
		}
	}
	return false
}

// Role says what a URL is to its file.
type Role string

const (
	Mirror   Role = "mirror"
	Upstream Role = "upstream"
)

// Kind is what is wrong with a URL.
type Kind string

// A mirror copy is missing, wrong (other size or bytes) or unreadable (any
// other failure: the copy may be fine, the audit could not tell). An
// upstream has vanished (404, 410, no such host, connection refused),
// changed (other size or bytes) or is unreachable.
const (
	Missing     Kind = "missing"
	Wrong       Kind = "wrong"
	Unreadable  Kind = "unreadable"
	Vanished    Kind = "vanished"
	Changed     Kind = "changed"
	Unreachable Kind = "unreachable"
)

// Problem is one URL that failed its check.
type Problem struct {
	Path   string `json:"path"` // the document's path in the repository
	File   string `json:"file"` // the file's name in it
	URL    string `json:"url"`  // redacted: no userinfo, no credential in the query
	Role   Role   `json:"role"`
	Kind   Kind   `json:"kind"`
	Detail string `json:"detail"` // "missing (404)", "1000 bytes, want 66633011", …
}

// Result is what an audit found.
type Result struct {
	Versions  int       `json:"versions"`  // documents checked
	Files     int       `json:"files"`     // files they describe
	Copies    int       `json:"copies"`    // mirror copies checked
	Upstreams int       `json:"upstreams"` // upstream URLs checked (0 without Upstream)
	Problems  []Problem `json:"problems"`
}

// Count is how many problems are of kind.
func (r Result) Count(kind Kind) int {
	n := 0
	for _, p := range r.Problems {
		if p.Kind == kind {
			n++
		}
	}
	return n
}

// MirrorProblems is how many mirror copies are missing, wrong or
// unreadable: what fails an audit. Upstream problems are warnings, since
// an upstream that vanishes or changes is what mirroring is for.
func (r Result) MirrorProblems() int {
	return r.Count(Missing) + r.Count(Wrong) + r.Count(Unreadable)
}
