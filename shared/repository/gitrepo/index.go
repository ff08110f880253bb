package gitrepo

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

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// indexFile holds the parsed metalinks of a cache. The version in its name
// changes whenever its layout does, so that an old file is simply not read.
const indexFile = "metalinks-v1.gob"

// metalinkIndex remembers parsed metalinks by blob id, so that a warm run
// parses only the blobs that changed. The file is a gob stream of chunks of
// records: decoding it is several times faster than parsing XML and twice as
// fast as JSON, and chunks keep the encoder's buffer small.
type metalinkIndex struct {
	path   string
	parsed map[plumbing.Hash]metalink.Metalink
}

// indexChunk is one value of the index file.
type indexChunk struct {
	Records []indexRecord
}

type indexRecord struct {
	Blob     plumbing.Hash
	Metalink metalink.Metalink
}

// indexChunkSize bounds how many records one gob value holds.
const indexChunkSize = 512

func (s *store) indexPath() string { return filepath.Join(s.dir, indexFile) }

// loadIndex reads the index at path; a missing or damaged index is empty and
// gets rebuilt.
func loadIndex(path string) *metalinkIndex {
	index := &metalinkIndex{path: path, parsed: map[plumbing.Hash]metalink.Metalink{}}
	file, err := os.Open(path)
	if err != nil {
		return index
	}
	defer func() { _ = file.Close() }() // opened read-only: closing cannot lose data
	decoder := gob.NewDecoder(bufio.NewReader(file))
	for {
		var chunk indexChunk
		err := decoder.Decode(&chunk)
		if errors.Is(err, io.EOF) {
			return index
		}
		if err != nil {
			index.parsed = map[plumbing.Hash]metalink.Metalink{}
			return index
		}
		for _, record := range chunk.Records {
			index.parsed[record.Blob] = record.Metalink
		}
	}
}

func (x *metalinkIndex) get(blob plumbing.Hash) (metalink.Metalink, bool) {
	m, ok := x.parsed[blob]
	return m, ok
}

// save rewrites the index to hold exactly the cacheable entries, unless it
// already does. Records come straight from entries, so a cold run does not
// keep a second copy of what it parsed. The file is replaced atomically.
func (x *metalinkIndex) save(refs []metalinkRef, entries []repository.Entry, cacheable []bool) error {
	var keep []int
	seen := make(map[plumbing.Hash]bool, len(refs))
	unchanged := true
	for i, ref := range refs {
		if !cacheable[i] || seen[ref.blob] {
			continue
		}
		seen[ref.blob] = true
		keep = append(keep, i)
		if _, cached := x.parsed[ref.blob]; !cached {
			unchanged = false
		}
	}
	if unchanged && len(keep) == len(x.parsed) {
		return nil
	}
	file, err := os.CreateTemp(filepath.Dir(x.path), ".metalinks-*")
	if err != nil {
		return err
	}
	if err := writeIndexFile(file, keep, refs, entries); err != nil {
		return removeTemp(file.Name(), fmt.Errorf("write %s: %w", file.Name(), err))
	}
	if err := os.Rename(file.Name(), x.path); err != nil {
		return removeTemp(file.Name(), err)
	}
	return nil
}

// writeIndexFile writes the entries at positions keep to file and closes it.
func writeIndexFile(file *os.File, keep []int, refs []metalinkRef, entries []repository.Entry) error {
	buffered := bufio.NewWriter(file)
	err := encodeIndex(buffered, keep, refs, entries)
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

// encodeIndex writes the entries at positions keep as chunks of records.
func encodeIndex(w io.Writer, keep []int, refs []metalinkRef, entries []repository.Entry) error {
	encoder := gob.NewEncoder(w)
	chunk := indexChunk{Records: make([]indexRecord, 0, indexChunkSize)}
	for n, i := range keep {
		chunk.Records = append(chunk.Records, indexRecord{Blob: refs[i].blob, Metalink: entries[i].Metalink})
		if len(chunk.Records) == indexChunkSize || n == len(keep)-1 {
			if err := encoder.Encode(chunk); err != nil {
				return err
			}
			chunk.Records = chunk.Records[:0]
		}
	}
	return nil
}

// roundTrip checks that a document survives the index's encoding unchanged.
// gob cannot tell a nil pointer from a pointer to a zero value, nor an empty
// list from a nil one, so the rare document that differs after decoding is
// parsed on every run instead of being cached wrong. One roundTrip serves one
// goroutine.
type roundTrip struct {
	buffer  bytes.Buffer
	encoder *gob.Encoder
	decoder *gob.Decoder
}

func (rt *roundTrip) exact(m metalink.Metalink) bool {
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
