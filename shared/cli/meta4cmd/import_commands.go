package meta4cmd

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// defaultHashes are what import-file computes unless --hash says otherwise.
var defaultHashes = []string{"md5", "sha-1", "sha-256", "sha-512"}

func (a *app) importCommands() []*cobra.Command {
	return []*cobra.Command{
		a.importFileCommand(), a.importMetalinkCommand(), a.importURLCommand(),
		a.importChecksumsCommand(), a.importGitHubReleaseCommand(),
	}
}

func (a *app) importFileCommand() *cobra.Command {
	var merge bool
	var hashes []string
	var version string
	cmd := command("import-file [--merge] [--hash T]... [--version V] PATH",
		"Add the local file PATH (named --file, or its base name) with its size and hashes, computed in one read", 1,
		func(cmd *cobra.Command, args []string) error {
			algos, err := algorithms(hashes)
			if err != nil {
				return err
			}
			return a.importFile(cmd.Context(), args[0], algos, merge, version)
		})
	cmd.Flags().BoolVar(&merge, "merge", false, "update the file if the document has it already (its size and hashes are replaced)")
	cmd.Flags().StringArrayVar(&hashes, "hash", defaultHashes, "hash type to compute (repeatable)")
	cmd.Flags().StringVar(&version, "version", "", "the file's version")
	return cmd
}

func (a *app) importFile(ctx context.Context, local string, algos []verify.Algorithm, merge bool, version string) error {
	size, skip, err := a.importable(local)
	if err != nil || skip {
		return err
	}
	name := a.fileName
	if name == "" {
		name = filepath.Base(local)
	}
	source, err := fileURL(local)
	if err != nil {
		return err
	}
	return a.change(true, func(d *document) error {
		if d.has(name) && !merge {
			return fmt.Errorf("%s already has a file %q (--merge updates it)", d.path, name)
		}
		size, hashes, err := a.describe(ctx, name, source, size, algos)
		if err != nil {
			return fmt.Errorf("read %s: %w", local, err)
		}
		f, err := d.fileOrNew(name)
		if err != nil {
			return err
		}
		// Hashes and pieces described the bytes the file had before.
		f.Size, f.Hashes, f.Pieces = size, hashes, nil
		if version != "" {
			f.Version = version
		}
		return nil
	})
}

// importable is the size of the regular file local, or skip when it is the
// document itself, whose hash would describe it before this very change.
func (a *app) importable(local string) (size uint64, skip bool, err error) {
	info, err := os.Stat(local)
	if err != nil {
		return 0, false, err
	}
	if !info.Mode().IsRegular() {
		return 0, false, fmt.Errorf("%s is not a regular file", local)
	}
	if doc, err := os.Stat(a.metalink); err == nil && os.SameFile(info, doc) {
		a.console.Printf("warning: skipping %s: it is the metalink document itself\n", local)
		return 0, true, nil
	}
	return uint64(info.Size()), false, nil
}

func (a *app) importMetalinkCommand() *cobra.Command {
	var merge bool
	cmd := command("import-metalink [--merge] PATH|-", "Add every file of another metalink (JSON or XML; - reads stdin)", 1,
		func(_ *cobra.Command, args []string) error {
			other, err := a.readOther(args[0])
			if err != nil {
				return err
			}
			return a.change(true, func(d *document) error { return mergeFiles(d, other.Files, merge) })
		})
	cmd.Flags().BoolVar(&merge, "merge", false, "replace files the document has already")
	return cmd
}

// readOther reads and validates a second document, from stdin for "-".
func (a *app) readOther(from string) (metalink.Metalink, error) {
	data, _, err := cli.ReadFile(from, a.streams.Stdin, metalink.MaxDocumentSize)
	if err != nil {
		return metalink.Metalink{}, err
	}
	doc, err := metalink.Parse(data)
	if err == nil {
		err = metalink.CheckDocument(doc)
	}
	if err != nil {
		return metalink.Metalink{}, fmt.Errorf("%s: %w", from, err)
	}
	return doc, nil
}

func mergeFiles(d *document, files []metalink.File, replace bool) error {
	for _, f := range files {
		if !d.has(f.Name) {
			d.doc.Files = append(d.doc.Files, f)
			continue
		}
		if !replace {
			return fmt.Errorf("%s already has a file %q (--merge replaces it)", d.path, f.Name)
		}
		i, _ := d.fileIndex(f.Name)
		d.doc.Files[i] = f
	}
	return nil
}

func (a *app) importURLCommand() *cobra.Command {
	var name, version string
	cmd := command("import-url [--version V] [--name N] URL",
		"Download URL once and add it as a file with its size, hashes and the URL", 1,
		func(cmd *cobra.Command, args []string) error {
			return a.importURL(cmd.Context(), args[0], name, version)
		})
	cmd.Flags().StringVar(&name, "name", "", "the file's name (default: the last segment of the URL's path)")
	cmd.Flags().StringVar(&version, "version", "", "the file's version")
	a.registerDisableSSL(cmd)
	return cmd
}

func (a *app) importURL(ctx context.Context, rawURL, name, version string) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("URL %q is not an absolute URL", rawURL)
	}
	if name == "" {
		if name = path.Base(u.Path); name == "/" || name == "." {
			return fmt.Errorf("URL %s names no file: give one with --name", rawURL)
		}
	}
	if err := metalink.ValidateName(name); err != nil {
		return err
	}
	algos, _ := algorithms(defaultHashes)
	return a.change(true, func(d *document) error {
		size, hashes, err := a.describe(ctx, name, rawURL, 0, algos)
		if err != nil {
			return fmt.Errorf("download %s: %w", name, err)
		}
		return recordFile(d, name, size, hashes, metalink.URL{URL: rawURL}, version)
	})
}

// recordFile adds what an importer learnt to the file called name, made
// when missing.
func recordFile(d *document, name string, size uint64, hashes []metalink.Hash, u metalink.URL, version string) error {
	f, err := d.fileOrNew(name)
	if err != nil {
		return err
	}
	if err := addFacts(f, size, hashes); err != nil {
		return err
	}
	addURL(f, u)
	if version != "" {
		f.Version = version
	}
	return nil
}

func (a *app) importChecksumsCommand() *cobra.Command {
	var typ, version, prefix string
	cmd := command("import-checksums [--type T] [--version V] --url-prefix URL SUMSFILE|-",
		"Add the files of a GNU or BSD checksum file, each at URL-PREFIX/NAME", 1,
		func(_ *cobra.Command, args []string) error {
			if prefix == "" {
				return cli.Usagef("--url-prefix is required")
			}
			return a.importChecksums(args[0], typ, prefix, version)
		})
	cmd.Flags().StringVar(&typ, "type", "", "hash type of every digest (default: from each line's tag or digest length)")
	cmd.Flags().StringVar(&version, "version", "", "the files' version")
	cmd.Flags().StringVar(&prefix, "url-prefix", "", "URL the files' names are appended to (required)")
	return cmd
}

func (a *app) importChecksums(from, typ, prefix, version string) error {
	base, err := url.Parse(prefix)
	if err != nil || base.Scheme == "" {
		return fmt.Errorf("--url-prefix %q is not an absolute URL", prefix)
	}
	entries, err := a.readChecksums(from, typ)
	if err != nil {
		return err
	}
	return a.change(true, func(d *document) error {
		for _, e := range entries {
			u := metalink.URL{URL: joinURL(prefix, e.Name)}
			if err := recordFile(d, e.Name, 0, []metalink.Hash{{Type: e.Type, Hash: e.Digest}}, u, version); err != nil {
				return err
			}
		}
		return nil
	})
}

func (a *app) readChecksums(from, typ string) ([]checksums.Entry, error) {
	r := a.streams.Stdin
	if from != "-" {
		f, err := os.Open(from)
		if err != nil {
			return nil, err
		}
		// Read only: a failed close loses nothing.
		defer func() { _ = f.Close() }()
		r = f
	}
	entries, err := checksums.Parse(r, typ)
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
