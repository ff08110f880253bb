// Package catalog renders the pages people browse a metalink mirror by: the
// repositories, each repository's versions, and each version's files with
// their hashes, URLs, records and (for git) history. The same pages are a
// static site (Write: publishable to S3, GitHub Pages or any web server,
// readable from file://) and live pages of meta4-repo serve (Site is an
// http.Handler); both render through Site.render, so they never disagree.
//
// Everything in a document is hostile input: pages are html/template
// output, long fields are cut, only public http(s) and ftp URLs become
// links, and no URL userinfo, token or signed query reaches a page or a
// published document. Pages use no external asset: the style sheet, the
// search script and its JSON index are files of the site.
package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/query"
)

// historyTimeout bounds the read of a repository's history for a served
// page: the first visitor waits for it, later ones share it.
const historyTimeout = 2 * time.Minute

// Repository is one repository as the catalog shows it.
type Repository struct {
	// Name says it: its URI without secrets.
	Name string
	// Entries are its documents (for a repository that failed, the last
	// good ones, if any).
	Entries []repository.Entry
	// Err is why it failed to load; the catalog shows it.
	Err error
	// Repo, when it is a repository.Historian, gives each version page
	// the history of its document.
	Repo repository.Repository
}

// Site is the catalog of some repositories, built once from what they held
// when it was made; histories are read when first needed.
type Site struct {
	repos  []*repoPage
	byID   map[string]*repoPage
	search []searchEntry
}

// repoPage is a repository and its versions, newest first.
type repoPage struct {
	ID, Name, Err      string
	Versions           []*versionPage
	Newest, LastChange string
	bySlug             map[string]*versionPage

	historian  repository.Historian
	once       sync.Once
	history    map[string][]repository.Change
	historyOK  bool
	historyErr string
}

// versionPage is one document of a repository.
type versionPage struct {
	Slug, Path, Version  string
	Files                []filePage
	TotalSize            string
	Published            string
	Description, License string
	doc                  metalink.Metalink // without secrets: what .meta4 and .json publish
}

// searchEntry is one file in the search index.
type searchEntry struct {
	Name       string   `json:"name"`
	Version    string   `json:"version,omitempty"`
	Repository string   `json:"repository"`
	Page       string   `json:"page"` // relative to the site's root
	Hashes     []string `json:"hashes"`
}

// New builds the catalog of repos, in their order.
func New(repos []Repository) *Site {
	s := &Site{byID: map[string]*repoPage{}, search: []searchEntry{}}
	for i, repo := range repos {
		page := newRepoPage("r"+itoa(i), repo)
		s.repos = append(s.repos, page)
		s.byID[page.ID] = page
		for _, v := range page.Versions {
			for _, f := range v.Files {
				s.search = append(s.search, searchEntry{
					Name: f.Name, Version: f.Version, Repository: page.Name,
					Page: versionPath(page.ID, v.Slug, ".html"), Hashes: f.hexes(),
				})
			}
		}
	}
	return s
}

func newRepoPage(id string, repo Repository) *repoPage {
	page := &repoPage{ID: id, Name: bound(oneLine(hideSecrets(repo.Name)), maxName), bySlug: map[string]*versionPage{}}
	if repo.Err != nil {
		page.Err = bound(oneLine(hideSecrets(repo.Err.Error())), maxError)
	}
	page.historian, _ = repo.Repo.(repository.Historian)
	var last time.Time
	for _, entry := range ordered(repo.Entries) {
		v := newVersionPage(entry)
		page.Versions = append(page.Versions, v)
		page.bySlug[v.Slug] = v
		for _, t := range []*time.Time{entry.Metalink.Published, entry.Metalink.Updated} {
			if t != nil && t.After(last) {
				last = *t
			}
		}
	}
	if len(page.Versions) > 0 {
		page.Newest = page.Versions[0].Version
	}
	page.LastChange = formatTime(last)
	return page
}

// ordered are entries newest first, in the resources' version order, then
// those without a version, by path: the catalog shows every document.
func ordered(entries []repository.Entry) []repository.Entry {
	versioned := query.NewestFirst(entries, io.Discard)
	seen := map[string]bool{}
	for _, e := range versioned {
		seen[e.Path] = true
	}
	var rest []repository.Entry
	for _, e := range entries {
		if !seen[e.Path] {
			rest = append(rest, e)
		}
	}
	slices.SortFunc(rest, func(a, b repository.Entry) int { return strings.Compare(a.Path, b.Path) })
	return append(versioned, rest...)
}

func newVersionPage(entry repository.Entry) *versionPage {
	doc := publicDocument(entry.Metalink)
	v := &versionPage{
		Slug:      slug(entry.Path),
		Path:      bound(oneLine(entry.Path), maxName),
		Version:   bound(oneLine(repository.RawVersion(doc)), maxName),
		Published: formatTime(firstTime(doc.Published, doc.Updated)),
		doc:       doc,
	}
	var total uint64
	// The page shows every URL, those with a secret without it and
	// unlinked; the published document leaves them out.
	for _, f := range entry.Metalink.Files {
		v.Files = append(v.Files, newFilePage(f))
		total += f.Size
		if v.Description == "" {
			v.Description = bound(f.Description, maxDescription)
		}
		if v.License == "" && f.License != nil {
			v.License = bound(oneLine(f.License.Name), maxName)
		}
	}
	v.TotalSize = formatSize(total)
	return v
}

func firstTime(times ...*time.Time) time.Time {
	for _, t := range times {
		if t != nil {
			return *t
		}
	}
	return time.Time{}
}

// slug names a document's pages: its path in letters, digits, dot, dash
// and underscore, cut short, and a hash of the whole path so that two
// paths never share a name.
func slug(path string) string {
	sum := sha256.Sum256([]byte(path))
	var b strings.Builder
	for _, c := range strings.TrimSuffix(path, ".meta4") {
		switch {
		case c == '-' || c == '.' || c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= maxSlug {
			break
		}
	}
	return strings.TrimLeft(b.String(), ".") + "-" + hex.EncodeToString(sum[:4])
}

// historyOf is the history of v's document, read once per repository;
// ok is false when the repository keeps none, err when it failed.
func (s *Site) historyOf(ctx context.Context, repo *repoPage, v *versionPage) (changes []repository.Change, ok bool, err string) {
	if repo.historian == nil {
		return nil, false, ""
	}
	repo.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), historyTimeout)
		defer cancel()
		history, err := repo.historian.History(ctx)
		if err != nil {
			repo.historyErr = bound(oneLine(hideSecrets(err.Error())), maxError)
			return
		}
		repo.history, repo.historyOK = history, true
	})
	return repo.history[v.Path], true, repo.historyErr
}

// LoadHistories reads the history of every repository that keeps one, and
// returns the first failure: a static site is written whole or not at all.
func (s *Site) LoadHistories(ctx context.Context) error {
	for _, repo := range s.repos {
		if len(repo.Versions) == 0 {
			continue
		}
		if _, _, err := s.historyOf(ctx, repo, repo.Versions[0]); err != "" {
			return &historyError{repo: repo.Name, text: err}
		}
	}
	return nil
}

type historyError struct{ repo, text string }

func (e *historyError) Error() string { return e.repo + ": read its history: " + e.text }
