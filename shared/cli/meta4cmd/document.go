package meta4cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// document is the metalink at --metalink, as read and as it will be written.
type document struct {
	path   string
	exists bool
	mode   fs.FileMode
	doc    metalink.Metalink
}

// readDocument reads path in any format the resources read. A missing file
// is an error unless orEmpty, when it is a new, empty document.
func readDocument(path string, orEmpty bool) (*document, error) {
	if path == "-" {
		return nil, errors.New("--metalink must name a file: a document is changed in place, so stdin will not do")
	}
	d := &document{path: path, mode: 0o644}
	data, info, err := cli.ReadFile(path, nil, metalink.MaxDocumentSize)
	switch {
	case errors.Is(err, fs.ErrNotExist) && orEmpty:
		return d, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s does not exist (make it with meta4 create)", path)
	case err != nil:
		return nil, err
	}
	if d.doc, err = metalink.Parse(data); err == nil {
		err = checkDocument(d.doc)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d.exists, d.mode = true, info.Mode().Perm()
	return d, nil
}

// checkDocument applies the rules the resources' in applies to every
// document before it acts on it; only a new document may still have no files.
func checkDocument(doc metalink.Metalink) error {
	if len(doc.Files) == 0 {
		return nil
	}
	return metalink.CheckDocument(doc)
}

// save validates the document and writes it as meta4 XML in place of the
// old one, atomically: a failure leaves the old document as it was.
func (d *document) save() error {
	if err := checkDocument(d.doc); err != nil {
		return fmt.Errorf("%s would be invalid: %w", d.path, err)
	}
	data, err := metalink.MarshalXML(d.doc)
	if err != nil {
		return err
	}
	return writeAtomic(d.path, data, d.mode, false)
}

// writeAtomic writes data to a temporary file beside path and gives it
// path's name at once: by rename, or, when keepExisting, by a hard link
// that fails if path exists meanwhile, so nothing is ever overwritten.
func writeAtomic(path string, data []byte, mode fs.FileMode, keepExisting bool) error {
	temp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// After a rename there is nothing left to remove; after a link or a
	// failure the temporary name goes, and a leftover dot file harms no one.
	defer func() { _ = os.Remove(temp.Name()) }()
	if err := fill(temp, data, mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if keepExisting {
		err = os.Link(temp.Name(), path)
	} else {
		err = os.Rename(temp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists", path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func fill(f *os.File, data []byte, mode fs.FileMode) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	return err
}

// fileIndex finds the file called name, or with name "" the only file.
func (d *document) fileIndex(name string) (int, error) {
	files := d.doc.Files
	if name == "" {
		switch len(files) {
		case 1:
			return 0, nil
		case 0:
			return 0, fmt.Errorf("%s has no files", d.path)
		}
		return 0, fmt.Errorf("%s has %d files: name one with --file", d.path, len(files))
	}
	for i := range files {
		if files[i].Name == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%s has no file %q", d.path, name)
}

// file is fileIndex's file, to change in place.
func (d *document) file(name string) (*metalink.File, error) {
	i, err := d.fileIndex(name)
	if err != nil {
		return nil, err
	}
	return &d.doc.Files[i], nil
}

// has reports whether a file called name exists.
func (d *document) has(name string) bool {
	for _, f := range d.doc.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}

// addFile appends a new file called name, which must be safe and new.
func (d *document) addFile(name string) (*metalink.File, error) {
	if err := metalink.ValidateName(name); err != nil {
		return nil, err
	}
	if d.has(name) {
		return nil, fmt.Errorf("%s already has a file %q", d.path, name)
	}
	d.doc.Files = append(d.doc.Files, metalink.File{Name: name})
	return &d.doc.Files[len(d.doc.Files)-1], nil
}

// fileOrNew is the file called name, added when missing.
func (d *document) fileOrNew(name string) (*metalink.File, error) {
	if d.has(name) {
		return d.file(name)
	}
	return d.addFile(name)
}
