// Package meta4ops holds the meta4 tool's operations as library functions:
// importing files, URLs, checksum files, other metalinks and GitHub
// releases into a document, uploading a file and recording its copy,
// downloading and verifying a file, and reading and atomically writing the
// document itself. Each takes typed options and the collaborators it needs,
// already built; a front end (the meta4 command) only turns its flags into
// them, and names the options through field.Names in its own words.
//
// Documents are read in any format the resources read (meta4 XML, JSON,
// Metalink 3.0) and always written as meta4 XML, atomically: an operation
// that fails leaves the document as it was.
package meta4ops

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/smallfile"
)

// Document is a metalink document on disk. The caller sets Path and Names;
// Read fills Mode and Metalink, which Save writes back.
type Document struct {
	Path string
	// Names says the options that choose the document ("metalink") and
	// its file ("file") in the caller's words.
	Names    field.Names
	Mode     fs.FileMode
	Metalink metalink.Metalink
}

// CreateDocument writes an empty document at path, which must not exist.
func CreateDocument(path string) error {
	data, err := metalink.MarshalXML(metalink.Metalink{})
	if err != nil {
		return err
	}
	return writeAtomic(path, data, 0o644, true)
}

// Read reads the document in any format the resources read. A missing file
// is an error unless orEmpty, when it is a new, empty document.
func (d *Document) Read(orEmpty bool) error {
	if d.Path == "-" {
		return fmt.Errorf("%s must name a file: a document is changed in place, so stdin will not do", d.Names.Of("metalink"))
	}
	d.Mode, d.Metalink = 0o644, metalink.Metalink{}
	data, info, err := smallfile.Read(d.Path, nil, metalink.MaxDocumentSize)
	switch {
	case errors.Is(err, fs.ErrNotExist) && orEmpty:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s does not exist (make it with meta4 create)", d.Path)
	case err != nil:
		return err
	}
	doc, err := metalink.Parse(data)
	if err == nil {
		err = checkDocument(doc)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", d.Path, err)
	}
	d.Mode, d.Metalink = info.Mode().Perm(), doc
	return nil
}

// checkDocument applies the rules the resources' in applies to every
// document before it acts on it; only a new document may still have no files.
func checkDocument(doc metalink.Metalink) error {
	if len(doc.Files) == 0 {
		return nil
	}
	return metalink.CheckDocument(doc)
}

// Save validates the document and writes it as meta4 XML in place of the
// old one, atomically: a failure leaves the old document as it was.
func (d *Document) Save() error {
	if err := checkDocument(d.Metalink); err != nil {
		return fmt.Errorf("%s would be invalid: %w", d.Path, err)
	}
	data, err := metalink.MarshalXML(d.Metalink)
	if err != nil {
		return err
	}
	return writeAtomic(d.Path, data, d.Mode, false)
}

// Change reads the document, applies edit and saves it. A missing document
// is an error unless orEmpty: then edit starts from an empty one.
func (d *Document) Change(orEmpty bool, edit func(d *Document) error) error {
	if err := d.Read(orEmpty); err != nil {
		return err
	}
	if err := edit(d); err != nil {
		return err
	}
	return d.Save()
}

// ChangeFile applies edit to the document's file called name (see File).
func (d *Document) ChangeFile(name string, edit func(f *metalink.File) error) error {
	return d.Change(false, func(d *Document) error {
		f, err := d.File(name)
		if err != nil {
			return err
		}
		return edit(f)
	})
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
func (d *Document) fileIndex(name string) (int, error) {
	files := d.Metalink.Files
	if name == "" {
		switch len(files) {
		case 1:
			return 0, nil
		case 0:
			return 0, fmt.Errorf("%s has no files", d.Path)
		}
		return 0, fmt.Errorf("%s has %d files: name one with %s", d.Path, len(files), d.Names.Of("file"))
	}
	if i := d.index(name); i >= 0 {
		return i, nil
	}
	return 0, fmt.Errorf("%s has no file %q", d.Path, name)
}

// index is the index of the file called name, or -1.
func (d *Document) index(name string) int {
	for i := range d.Metalink.Files {
		if d.Metalink.Files[i].Name == name {
			return i
		}
	}
	return -1
}

// File is the file called name, or with name "" the only file, to change
// in place.
func (d *Document) File(name string) (*metalink.File, error) {
	i, err := d.fileIndex(name)
	if err != nil {
		return nil, err
	}
	return &d.Metalink.Files[i], nil
}

// AddFile appends a new file called name, which must be safe and new.
func (d *Document) AddFile(name string) (*metalink.File, error) {
	if err := metalink.ValidateName(name); err != nil {
		return nil, err
	}
	if d.index(name) >= 0 {
		return nil, fmt.Errorf("%s already has a file %q", d.Path, name)
	}
	d.Metalink.Files = append(d.Metalink.Files, metalink.File{Name: name})
	return &d.Metalink.Files[len(d.Metalink.Files)-1], nil
}

// RemoveFile removes the file called name.
func (d *Document) RemoveFile(name string) error {
	i, err := d.fileIndex(name)
	if err != nil {
		return err
	}
	d.Metalink.Files = append(d.Metalink.Files[:i], d.Metalink.Files[i+1:]...)
	return nil
}

// fileOrNew is the file called name, added when missing.
func (d *Document) fileOrNew(name string) (*metalink.File, error) {
	if i := d.index(name); i >= 0 {
		return &d.Metalink.Files[i], nil
	}
	return d.AddFile(name)
}
