// Package query answers the questions a front end asks of a metalink
// repository, in the resource's terms: which documents pass a filter, newest
// first (Find), and which one document does (FindOne). Every document either
// returns is one in would accept, so what a tool prints is what a script may
// hand to meta4 next.
package query

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/entryfilter"
)

// Query says which entries Find returns, and in which order.
type Query struct {
	Filter  entryfilter.Filter
	Limit   int       // field "limit": at most this many entries; 0: all
	Reverse bool      // oldest first
	Log     io.Writer // warnings about entries left out; nil: none are printed
	// Names say the fields above in the front end's words.
	Names field.Names
}

// Validate rejects a query Find would refuse, naming the field by q.Names,
// so that a front end can refuse it before it opens the repository.
func (q Query) Validate() error {
	if q.Limit < 0 {
		return q.Names.ValueError("limit", strconv.Itoa(q.Limit), errors.New("expected 0 (no limit) or more"))
	}
	return nil
}

// Find returns the entries of repo that pass q.Filter, ordered by the
// version of their first file, newest first, as the resource orders them;
// equal versions by path. An entry without a usable version is left out
// with a warning on q.Log, as check leaves it out.
func Find(ctx context.Context, repo repository.Repository, q Query) ([]repository.Entry, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	selected, err := selectChecked(ctx, repo, q.Filter)
	if err != nil {
		return nil, err
	}
	log := q.Log
	if log == nil {
		log = io.Discard
	}
	ordered := NewestFirst(selected, log)
	if q.Reverse {
		slices.Reverse(ordered)
	}
	if q.Limit > 0 && len(ordered) > q.Limit {
		ordered = ordered[:q.Limit]
	}
	return ordered, nil
}

// FindOne returns the one entry of repo that passes filter, whatever its
// version. None or several is a *CountError.
func FindOne(ctx context.Context, repo repository.Repository, filter entryfilter.Filter) (repository.Entry, error) {
	entries, err := selectEntries(ctx, repo, filter)
	if err != nil {
		return repository.Entry{}, err
	}
	if len(entries) != 1 {
		paths := make([]string, len(entries))
		for i, e := range entries {
			paths[i] = e.Path
		}
		return repository.Entry{}, &CountError{Paths: paths}
	}
	return entries[0], check(entries[0])
}

// CountError is FindOne finding no entry or several.
type CountError struct {
	Paths []string // the paths of the entries that passed, in the repository's order
}

// shownPaths bounds how many paths a CountError's text lists.
const shownPaths = 5

func (e *CountError) Error() string {
	if len(e.Paths) == 0 {
		return "no metalink passes the filters"
	}
	paths := e.Paths[:min(len(e.Paths), shownPaths)]
	more := ""
	if len(e.Paths) > shownPaths {
		more = ", …"
	}
	return fmt.Sprintf("%d metalinks pass the filters (%s%s): expected exactly one",
		len(e.Paths), strings.Join(paths, ", "), more)
}

// selectChecked is selectEntries, refused when in would refuse any of them.
func selectChecked(ctx context.Context, repo repository.Repository, filter entryfilter.Filter) ([]repository.Entry, error) {
	entries, err := selectEntries(ctx, repo, filter)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if err := check(e); err != nil {
			return nil, err
		}
	}
	return entries, nil
}

func selectEntries(ctx context.Context, repo repository.Repository, filter entryfilter.Filter) ([]repository.Entry, error) {
	entries, err := repo.List(ctx)
	if err != nil {
		// Backends already name the repository and the document at fault.
		return nil, err
	}
	return filter.Select(entries), nil
}

// check refuses an entry whose document in would refuse, naming it.
func check(e repository.Entry) error {
	if err := metalink.CheckDocument(e.Metalink); err != nil {
		return fmt.Errorf("%s: %w", redact.Quote(e.Path), err)
	}
	return nil
}

// NewestFirst orders entries by their first file's version, newest first,
// in the resources' order; equal versions by path. Entries without a usable
// version are left out with a warning, as check leaves them out.
func NewestFirst(entries []repository.Entry, log io.Writer) []repository.Entry {
	found := repository.WithVersions(entries, log)
	slices.SortStableFunc(found, func(a, b repository.Versioned) int {
		return cmp.Or(b.Version.Compare(a.Version), strings.Compare(a.Entry.Path, b.Entry.Path))
	})
	ordered := make([]repository.Entry, len(found))
	for i, f := range found {
		ordered[i] = f.Entry
	}
	return ordered
}
