package meta4ops

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/mirror"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// UploadOptions say where Upload copies a file and how it records the copy.
type UploadOptions struct {
	File     string      // the document's file; "": its only file
	Location string      // ISO 3166-1 alpha-2 country code of the copy's URL
	Priority *uint       // priority of the copy's URL; nil: none
	Names    field.Names // says mirror's "destination" (the URI) in the caller's words
	Log      io.Writer   // progress and what was copied where; nil discards it
}

// Upload copies the local file local to dest (s3://, file:// or ftp://)
// as the resource's mirror_files do, through handlers, verified against the
// document file's hashes, and adds dest to the file's URLs. A file without
// hashes gets its size and hashes from this one read.
func Upload(ctx context.Context, d *Document, local, dest string, opts UploadOptions, handlers *urlhandlers.Set) error {
	if err := checkUploadScheme(dest, opts.Names); err != nil {
		return err
	}
	info, err := os.Stat(local)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", local)
	}
	return d.ChangeFile(opts.File, func(f *metalink.File) error {
		uploaded, err := upload(ctx, *f, local, uint64(info.Size()), dest, opts, handlers)
		if err != nil {
			return err
		}
		*f = uploaded
		return nil
	})
}

// checkUploadScheme refuses, before any file is read, a URI that mirror
// could not write; it never prints the URI's userinfo.
func checkUploadScheme(dest string, names field.Names) error {
	scheme, _, _ := strings.Cut(dest, "://")
	switch strings.ToLower(scheme) {
	case "s3", "file", "ftp":
		return nil
	}
	return fmt.Errorf("%s %s: expected an s3://, file:// or ftp:// URL", names.Of("destination"), redact.Quote(redact.UnparsedURL(dest)))
}

// upload copies local to dest through the resource's mirror code and
// returns f with the copy's URL and, for a file that had none, its size
// and hashes.
func upload(ctx context.Context, f metalink.File, local string, size uint64, dest string, opts UploadOptions, handlers *urlhandlers.Set) (metalink.File, error) {
	target := mirror.Target{Destination: dest, Location: opts.Location, Priority: opts.Priority}
	plan, err := mirror.CompileURI(target, opts.Names, handlers)
	if err != nil {
		return f, err
	}
	req, source, err := uploadRequest(f, local, size)
	if err != nil {
		return f, err
	}
	req.Log = opts.Log
	result, err := mirror.Run(ctx, plan, req)
	if err != nil {
		return f, err
	}
	return withCopy(f, result.Metalink.Files[0], source), nil
}

// uploadRequest reads a file that has hashes as a mirror reads a URL,
// verified against them (the local file is its only URL); one without is
// read as out reads a generated file, its hashes computed on the way.
func uploadRequest(f metalink.File, local string, size uint64) (mirror.Request, string, error) {
	baseDir, err := os.Getwd()
	if err != nil {
		return mirror.Request{}, "", err
	}
	source, err := fileURL(local)
	if err != nil {
		return mirror.Request{}, "", err
	}
	// A signature is not needed to prove the bytes are the ones hashed.
	checks := verify.Options{SkipSignature: true}
	f.URLs, f.MetaURLs = []metalink.URL{{URL: source}}, nil
	req := mirror.Request{Metalink: metalink.Metalink{Files: []metalink.File{f}}, BaseDir: baseDir, Verify: checks}
	if plan, err := verify.NewPlan(f, checks); err == nil && plan.HasHash() {
		return req, source, nil
	}
	if f.Size != 0 && f.Size != size {
		return req, "", fmt.Errorf("%s has %d bytes, the document says %d", local, size, f.Size)
	}
	req.Metalink.Files[0].Size, req.Metalink.Files[0].URLs = size, nil
	req.Local = []string{local}
	return req, source, nil
}

// withCopy is f with the URL of the copy mirror made (replacing an entry
// of the same URL) and the hashes it computed for a file that had none.
func withCopy(f, mirrored metalink.File, source string) metalink.File {
	for _, u := range mirrored.URLs {
		if u.URL != source {
			f.SetURL(u)
		}
	}
	if f.Size == 0 {
		f.Size = mirrored.Size
	}
	for _, h := range mirrored.Hashes {
		if f.HashIndex(h.Type) < 0 {
			f.SetHash(h)
		}
	}
	return f
}
