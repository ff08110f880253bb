package metalink

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// HashIndex is the index of f's hash of type typ, an RFC 5854 name such as
// "sha-256" (see HashType), or -1. A stored type matches whatever its case
// and the space around it: documents are read as their authors wrote them.
func (f *File) HashIndex(typ string) int {
	for i, h := range f.Hashes {
		if strings.EqualFold(strings.TrimSpace(h.Type), typ) {
			return i
		}
	}
	return -1
}

// SetHash replaces f's hash of h's type, or adds h.
func (f *File) SetHash(h Hash) {
	if i := f.HashIndex(h.Type); i >= 0 {
		f.Hashes[i] = h
		return
	}
	f.Hashes = append(f.Hashes, h)
}

// AddFacts records what a source says about f's bytes: its size (0: not
// known) and hashes. A fact that contradicts one f holds is an error, not a
// replacement: two sources disagreeing about a file is worth stopping for.
func (f *File) AddFacts(size uint64, hashes []Hash) error {
	if size > 0 {
		if f.Size != 0 && f.Size != size {
			return fmt.Errorf("%s: the document says %d bytes, the source %d", f.Name, f.Size, size)
		}
		f.Size = size
	}
	for _, h := range hashes {
		if i := f.HashIndex(h.Type); i >= 0 && !strings.EqualFold(strings.TrimSpace(f.Hashes[i].Hash), h.Hash) {
			return fmt.Errorf("%s: the document's %s is %s, the source's %s", f.Name, h.Type, f.Hashes[i].Hash, h.Hash)
		}
		f.SetHash(h)
	}
	return nil
}

// ChangedBytes says how now's bytes differ from was's, two descriptions of
// a file of the same name: a size or a hash of the same type that differs
// ("sha-256 was …, now …"), compared in full. nil when nothing known to
// both differs. Two digests of one type but of different lengths are not
// both well formed: that is for the hash checks to say, not a change.
func ChangedBytes(was, now File) error {
	if was.Size != 0 && now.Size != 0 && was.Size != now.Size {
		return fmt.Errorf("size was %d bytes, now %d", was.Size, now.Size)
	}
	for _, h := range now.Hashes {
		i := was.HashIndex(HashType(h.Type))
		if i < 0 {
			continue
		}
		before, after := strings.TrimSpace(was.Hashes[i].Hash), strings.TrimSpace(h.Hash)
		if len(before) == len(after) && !strings.EqualFold(before, after) {
			return fmt.Errorf("%s was %s, now %s", HashType(h.Type), before, after)
		}
	}
	return nil
}

// SetURL makes u the last URL of f; an entry of the same URL goes, so that
// u's priority and location replace its own.
func (f *File) SetURL(u URL) {
	f.RemoveURL(u.URL)
	f.URLs = append(f.URLs, u)
}

// AddURL adds u unless f lists its URL already, keeping that entry as it is.
func (f *File) AddURL(u URL) {
	for _, have := range f.URLs {
		if have.URL == u.URL {
			return
		}
	}
	f.URLs = append(f.URLs, u)
}

// RemoveURL drops every entry of rawURL and reports whether there was one.
// A file left without URLs has none (nil), as a parsed one would.
func (f *File) RemoveURL(rawURL string) bool {
	kept := f.URLs[:0]
	for _, u := range f.URLs {
		if u.URL != rawURL {
			kept = append(kept, u)
		}
	}
	removed := len(kept) < len(f.URLs)
	f.URLs = kept
	if len(f.URLs) == 0 {
		f.URLs = nil
	}
	return removed
}

// ComparePriority orders two urls' (or metaurls') priorities as downloads
// try them: lower numbers first, none after every numbered one.
func ComparePriority(a, b *uint) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}

// ByPriority is urls in the order downloads try them (ComparePriority),
// equal ones in document order.
func ByPriority(urls []URL) []URL {
	ordered := slices.Clone(urls)
	slices.SortStableFunc(ordered, func(a, b URL) int { return ComparePriority(a.Priority, b.Priority) })
	return ordered
}
