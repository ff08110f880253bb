package meta4ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// ImportFileOptions say how ImportFile adds a local file.
type ImportFileOptions struct {
	Name    string             // the file's name in the document; "": the local file's base name
	Hashes  []verify.Algorithm // the hash types computed, all in the one read
	Merge   bool               // update a file the document has already: its size and hashes are replaced
	Version string             // the file's version; "": left as it is
	Names   field.Names        // says "merge" in the caller's words
	Log     io.Writer          // warnings; nil discards them
}

// ImportFile adds the local file local to the document with its size and
// hashes, computed in one read through get (whose Verify is not used: these
// bytes are what the new hashes describe). The document itself is
// skipped with a warning: its hash would describe it before this change.
func ImportFile(ctx context.Context, d *Document, local string, opts ImportFileOptions, get download.Options) error {
	size, skip, err := importable(local, d.Path)
	if err != nil {
		return err
	}
	if skip {
		logf(opts.Log, "warning: skipping %s: it is the metalink document itself\n", local)
		return nil
	}
	name := opts.Name
	if name == "" {
		name = filepath.Base(local)
	}
	source, err := fileURL(local)
	if err != nil {
		return err
	}
	return d.Change(true, func(d *Document) error {
		if d.index(name) >= 0 && !opts.Merge {
			return fmt.Errorf("%s already has a file %q (%s updates it)", d.Path, name, opts.Names.Of("merge"))
		}
		size, hashes, err := describe(ctx, name, source, size, opts.Hashes, get)
		if err != nil {
			return fmt.Errorf("read %s: %w", local, err)
		}
		f, err := d.fileOrNew(name)
		if err != nil {
			return err
		}
		// Hashes and pieces described the bytes the file had before.
		f.Size, f.Hashes, f.Pieces = size, hashes, nil
		if opts.Version != "" {
			f.Version = opts.Version
		}
		return nil
	})
}

// importable is the size of the regular file local, or skip when it is the
// document at docPath.
func importable(local, docPath string) (size uint64, skip bool, err error) {
	info, err := os.Stat(local)
	if err != nil {
		return 0, false, err
	}
	if !info.Mode().IsRegular() {
		return 0, false, fmt.Errorf("%s is not a regular file", local)
	}
	if doc, err := os.Stat(docPath); err == nil && os.SameFile(info, doc) {
		return 0, true, nil
	}
	return uint64(info.Size()), false, nil
}

// logf writes a line to log, when there is one.
func logf(log io.Writer, format string, args ...any) {
	if log != nil {
		_, _ = fmt.Fprintf(log, format, args...) // a lost warning fails nothing
	}
}

// ImportMetalinkOptions say how ImportMetalink adds another document's files.
type ImportMetalinkOptions struct {
	Merge bool        // replace files the document has already
	Names field.Names // says "merge" in the caller's words
}

// ImportMetalink adds every file of data, another document in any format
// the resources read, which source names in errors.
func ImportMetalink(d *Document, source string, data []byte, opts ImportMetalinkOptions) error {
	other, err := metalink.Parse(data)
	if err == nil {
		err = metalink.CheckDocument(other)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	return d.Change(true, func(d *Document) error {
		for _, f := range other.Files {
			i := d.index(f.Name)
			switch {
			case i < 0:
				d.Metalink.Files = append(d.Metalink.Files, f)
			case !opts.Merge:
				return fmt.Errorf("%s already has a file %q (%s replaces it)", d.Path, f.Name, opts.Names.Of("merge"))
			default:
				d.Metalink.Files[i] = f
			}
		}
		return nil
	})
}

// ImportURLOptions say how ImportURL adds a URL.
type ImportURLOptions struct {
	Name    string      // the file's name; "": the last segment of the URL's path
	Version string      // the file's version; "": left as it is
	Names   field.Names // says "name" in the caller's words
}

// ImportURL downloads rawURL once through get and adds it as a file with
// its size, DefaultHashes and the URL.
func ImportURL(ctx context.Context, d *Document, rawURL string, opts ImportURLOptions, get download.Options) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("URL %q is not an absolute URL", rawURL)
	}
	name := opts.Name
	if name == "" {
		if name = path.Base(u.Path); name == "/" || name == "." {
			return fmt.Errorf("URL %s names no file: give one with %s", rawURL, opts.Names.Of("name"))
		}
	}
	if err := metalink.ValidateName(name); err != nil {
		return err
	}
	return d.Change(true, func(d *Document) error {
		size, hashes, err := describe(ctx, name, rawURL, 0, DefaultHashes(), get)
		if err != nil {
			return fmt.Errorf("download %s: %w", name, err)
		}
		return recordFile(d, name, size, hashes, metalink.URL{URL: rawURL}, opts.Version)
	})
}

// recordFile adds what an importer learnt to the file called name, made
// when missing.
func recordFile(d *Document, name string, size uint64, hashes []metalink.Hash, u metalink.URL, version string) error {
	f, err := d.fileOrNew(name)
	if err != nil {
		return err
	}
	if err := f.AddFacts(size, hashes); err != nil {
		return err
	}
	f.AddURL(u)
	if version != "" {
		f.Version = version
	}
	return nil
}

// ImportChecksumsOptions say how ImportChecksums adds a checksum file.
type ImportChecksumsOptions struct {
	URLPrefix string      // required: the URL the files' names are appended to
	Type      string      // the hash type of every digest; "": from each line's tag or digest length
	Version   string      // the files' version; "": left as they are
	Stdin     io.Reader   // what the source "-" reads
	Names     field.Names // says "url_prefix" in the caller's words
}

// ImportChecksums adds the files of the GNU or BSD checksum file from (or
// Stdin for "-"), each at URLPrefix/NAME.
func ImportChecksums(d *Document, from string, opts ImportChecksumsOptions) error {
	if base, err := url.Parse(opts.URLPrefix); err != nil || base.Scheme == "" {
		return fmt.Errorf("%s %q is not an absolute URL", opts.Names.Of("url_prefix"), opts.URLPrefix)
	}
	entries, err := readChecksums(from, opts)
	if err != nil {
		return err
	}
	return d.Change(true, func(d *Document) error {
		for _, e := range entries {
			u := metalink.URL{URL: joinURL(opts.URLPrefix, e.Name)}
			if err := recordFile(d, e.Name, 0, []metalink.Hash{{Type: e.Type, Hash: e.Digest}}, u, opts.Version); err != nil {
				return err
			}
		}
		return nil
	})
}

func readChecksums(from string, opts ImportChecksumsOptions) ([]checksums.Entry, error) {
	r := opts.Stdin
	if from != "-" {
		f, err := os.Open(from)
		if err != nil {
			return nil, err
		}
		// Read only: a failed close loses nothing.
		defer func() { _ = f.Close() }()
		r = f
	}
	if r == nil {
		return nil, errors.New("- (stdin) is not accepted here: name a file")
	}
	entries, err := checksums.Parse(r, opts.Type)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%s holds no checksums", from)
	}
	return entries, nil
}

// joinURL appends a file name, each segment escaped, to a URL prefix.
func joinURL(prefix, name string) string {
	segments := strings.Split(name, "/")
	for i, s := range segments {
		segments[i] = url.PathEscape(s)
	}
	return strings.TrimSuffix(prefix, "/") + "/" + strings.Join(segments, "/")
}
