// Package parsecache remembers parsed metalinks between runs of a backend,
// by an id that changes whenever a document's bytes do (a git blob id, an
// S3 key with its ETag), so that a warm run reads and parses only the
// documents that changed. Concourse keeps $TMPDIR between checks of a
// container, which is where backends keep it.
//
// A backend that can name the state of the whole repository (a git tip)
// also saves the listing of that state, so that a warm run which finds the
// same state answers from the index alone, without reading the repository.
//
// The file is a gob stream: the listing, then chunks of records. Decoding
// it is several times faster than parsing XML and twice as fast as JSON,
// and chunks keep the encoder's buffer small. A missing or damaged file is
// an empty index.
package parsecache

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// chunkSize bounds how many records one gob value holds.
const chunkSize = 512

// Index is the parsed metalinks of one repository, by id.
type Index struct {
	path    string
	parsed  map[string]metalink.Metalink
	listing listing
}

// listing is the documents found in one state of a repository, in order.
type listing struct {
	Key   string // the state, e.g. a commit and a sub-path; "" for none
	Paths []string
	IDs   []string
}

type chunk struct {
	Records []record
}

type record struct {
	ID       string
	Metalink metalink.Metalink
}

// Load reads the index at path. The file's name should carry a version that
// changes with its layout, so that an old file is simply not read.
func Load(path string) *Index {
	index := &Index{path: path, parsed: map[string]metalink.Metalink{}}
	file, err := os.Open(path)
	if err != nil {
		return index
	}
	defer func() { _ = file.Close() }() // opened read-only: closing cannot lose data
	decoder := gob.NewDecoder(bufio.NewReader(file))
	if decoder.Decode(&index.listing) != nil {
		index.listing = listing{}
		return index
	}
	for {
		var c chunk
		err := decoder.Decode(&c)
		if errors.Is(err, io.EOF) {
			return index
		}
		if err != nil {
			index.parsed, index.listing = map[string]metalink.Metalink{}, listing{}
			return index
		}
		for _, r := range c.Records {
			index.parsed[r.ID] = r.Metalink
		}
	}
}

// Get is the document remembered under id.
func (x *Index) Get(id string) (metalink.Metalink, bool) {
	m, ok := x.parsed[id]
	return m, ok
}

// Listed is the entries saved under key, when the index still holds every
// one of them.
func (x *Index) Listed(key string) ([]repository.Entry, bool) {
	if key == "" || x.listing.Key != key {
		return nil, false
	}
	entries := make([]repository.Entry, len(x.listing.IDs))
	for i, id := range x.listing.IDs {
		m, ok := x.parsed[id]
		if !ok || i >= len(x.listing.Paths) {
			return nil, false
		}
		entries[i] = repository.Entry{Path: x.listing.Paths[i], Metalink: m}
	}
	return entries, true
}

// Save rewrites the index to hold exactly the documents of entries whose
// keep is true, each under ids[i], unless it already does. Records come
// straight from entries, so a cold run does not keep a second copy of what
// it parsed. The file is replaced atomically: runs that save at once leave
// one of their indexes, and each is correct.
func (x *Index) Save(ids []string, entries []repository.Entry, keep []bool) error {
	return x.SaveListed("", ids, entries, keep)
}

// SaveListed is Save, and records entries as the listing of the state key,
// for Listed, when every one of them may be kept.
func (x *Index) SaveListed(key string, ids []string, entries []repository.Entry, keep []bool) error {
	if slices.Contains(keep, false) {
		key = ""
	}
	var kept []int
	seen := make(map[string]bool, len(ids))
	unchanged := true
	for i, id := range ids {
		if !keep[i] || seen[id] {
			continue
		}
		seen[id] = true
		kept = append(kept, i)
		if _, cached := x.parsed[id]; !cached {
			unchanged = false
		}
	}
	if unchanged && len(kept) == len(x.parsed) && key == x.listing.Key {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(x.path), 0o700); err != nil {
		return err
	}
	file, err := os.CreateTemp(filepath.Dir(x.path), ".metalinks-*")
	if err != nil {
		return err
	}
	if err := writeFile(file, listingOf(key, ids, entries), kept, ids, entries); err != nil {
		return removeTemp(file.Name(), fmt.Errorf("write %s: %w", file.Name(), err))
	}
	if err := os.Rename(file.Name(), x.path); err != nil {
		return removeTemp(file.Name(), err)
	}
	return nil
}

// listingOf is the listing of entries under key, empty when key is.
func listingOf(key string, ids []string, entries []repository.Entry) listing {
	if key == "" {
		return listing{}
	}
	paths := make([]string, len(entries))
	for i, e := range entries {
		paths[i] = e.Path
	}
	return listing{Key: key, Paths: paths, IDs: ids}
}

// writeFile writes the listing and the entries at positions kept to file
// and closes it.
func writeFile(file *os.File, l listing, kept []int, ids []string, entries []repository.Entry) error {
	buffered := bufio.NewWriter(file)
	err := encode(buffered, l, kept, ids, entries)
	if err == nil {
		err = buffered.Flush()
	}
	if closeErr := file.Close(); err == nil {
		err = closeErr
	}
	return err
}

// removeTemp removes the temporary file at path after err. The cache lives
// on between runs, so a file that stays behind is named in the error.
func removeTemp(path string, err error) error {
	if removeErr := os.Remove(path); removeErr != nil {
		return fmt.Errorf("%w; the temporary file stays behind: %w", err, removeErr)
	}
	return err
}

// encode writes the listing, then the entries at positions kept as chunks
// of records.
func encode(w io.Writer, l listing, kept []int, ids []string, entries []repository.Entry) error {
	encoder := gob.NewEncoder(w)
	if err := encoder.Encode(l); err != nil {
		return err
	}
	c := chunk{Records: make([]record, 0, chunkSize)}
	for n, i := range kept {
		c.Records = append(c.Records, record{ID: ids[i], Metalink: entries[i].Metalink})
		if len(c.Records) == chunkSize || n == len(kept)-1 {
			if err := encoder.Encode(c); err != nil {
				return err
			}
			c.Records = c.Records[:0]
		}
	}
	return nil
}

// RoundTrip checks that a document survives the index's encoding
// unchanged. gob cannot tell a nil pointer from a pointer to a zero value,
// nor an empty list from a nil one, so the rare document that differs after
// decoding is parsed on every run instead of being cached wrong. One
// RoundTrip serves one goroutine; its zero value is ready.
type RoundTrip struct {
	buffer  bytes.Buffer
	encoder *gob.Encoder
	decoder *gob.Decoder
}

// Exact reports whether m may be remembered.
func (rt *RoundTrip) Exact(m metalink.Metalink) bool {
	if rt.encoder == nil {
		rt.buffer.Reset()
		rt.encoder, rt.decoder = gob.NewEncoder(&rt.buffer), gob.NewDecoder(&rt.buffer)
	}
	var decoded metalink.Metalink
	if rt.encoder.Encode(m) != nil || rt.decoder.Decode(&decoded) != nil {
		rt.encoder = nil // the stream may be out of step: start a new one
		return false
	}
	return reflect.DeepEqual(m, decoded)
}
