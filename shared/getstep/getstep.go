// Package getstep is the `in` both resources share: pick the files, download and
// verify each, and record .resource/metalink.meta4 and .resource/version.
//
// Everything is first written into a staging directory inside the destination
// and moved to its final name only once every file has been downloaded and
// verified, so a failed or interrupted `in` leaves no file under a final name.
package getstep

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/selection"
)

// Names of the records inside metalink.RecordDir.
const (
	MetalinkRecord = "metalink.meta4"
	VersionRecord  = "version"
)

// Request is one `in`: Files and Download come from compiled Settings.
type Request struct {
	Metalink     metalink.Metalink
	Version      string
	Files        selection.Filter
	SkipDownload bool
	Download     download.Options // its Report receives warnings such as a file without a hash
}

// Run performs req into dest and returns the files and bytes metadata.
func Run(ctx context.Context, dest string, req Request) (metadata []concourse.MetadataField, err error) {
	if err := metalink.CheckDocument(req.Metalink); err != nil {
		return nil, err
	}
	record, err := metalink.MarshalXML(req.Metalink)
	if err != nil {
		return nil, fmt.Errorf("record the metalink: %w", err)
	}
	selected := selectFiles(req.Metalink.Files, req.Files)
	stage, err := newStage(dest, req.Download.Report)
	if err != nil {
		return nil, err
	}
	defer func() { err = stage.close(err) }()
	names, err := fill(ctx, stage.dir, selected, record, req)
	if err != nil {
		return nil, err
	}
	if err := stage.publish(names); err != nil {
		return nil, err
	}
	report(req, selected)
	return describe(selected), nil
}

// report says what the destination holds now, so that a get with
// skip_download says something too.
func report(req Request, selected []metalink.File) {
	if req.Download.Report == nil {
		return
	}
	records := path.Join(metalink.RecordDir, MetalinkRecord) + " and " + path.Join(metalink.RecordDir, VersionRecord)
	if req.SkipDownload {
		_, _ = fmt.Fprintf(req.Download.Report, "wrote %s only (skip_download: %d selected file(s) not downloaded)\n", records, len(selected))
		return
	}
	_, _ = fmt.Fprintf(req.Download.Report, "wrote %d file(s) and %s\n", len(selected), records)
}

// fill downloads the selected files (unless skipped) and writes the records
// into stage, and returns the names it wrote.
func fill(ctx context.Context, stage string, selected []metalink.File, record []byte, req Request) ([]string, error) {
	var names []string
	if !req.SkipDownload {
		// Several at once, within the per-host budget: each file pays its
		// mirrors' time to first byte while the others stream.
		if err := download.Files(ctx, selected, stage, req.Download); err != nil {
			return nil, err
		}
		for _, f := range selected {
			names = append(names, f.Name)
		}
	}
	records, err := writeRecords(stage, record, req.Version)
	if err != nil {
		return nil, err
	}
	return append(names, records...), nil
}

func selectFiles(files []metalink.File, filter selection.Filter) []metalink.File {
	var selected []metalink.File
	for _, f := range files {
		if filter.Selected(f.Name) {
			selected = append(selected, f)
		}
	}
	return selected
}

// writeRecords writes .resource/metalink.meta4 and .resource/version (no
// trailing newline, as the original resources do) and returns their names.
func writeRecords(stage string, record []byte, version string) ([]string, error) {
	if err := os.Mkdir(filepath.Join(stage, metalink.RecordDir), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", metalink.RecordDir, err)
	}
	records := []struct {
		name string
		data []byte
	}{
		{path.Join(metalink.RecordDir, MetalinkRecord), record},
		{path.Join(metalink.RecordDir, VersionRecord), []byte(version)},
	}
	names := make([]string, 0, len(records))
	for _, r := range records {
		if err := os.WriteFile(filepath.Join(stage, filepath.FromSlash(r.name)), r.data, 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", r.name, err)
		}
		names = append(names, r.name)
	}
	return names, nil
}

// describe reports the selected files and their sizes as the metalink states
// them, so skip_download gives the same numbers as a real download.
func describe(selected []metalink.File) []concourse.MetadataField {
	var total uint64
	for _, f := range selected {
		total += f.Size
	}
	return append([]concourse.MetadataField{
		{Name: "files", Value: strconv.Itoa(len(selected))},
		{Name: "bytes", Value: strconv.FormatUint(total, 10)},
	}, URLMetadata(selected)...)
}

// Bounds of URLMetadata: a metalink of hundreds of files or mirrors must not
// turn into a page of metadata.
const (
	maxMetadataFiles = 50
	maxMetadataURLs  = 5
)

// URLMetadata gives, for each file, an entry named after it whose value lists
// its URLs without userinfo, so that a pipeline author sees in the UI where a
// version's bytes live.
func URLMetadata(files []metalink.File) []concourse.MetadataField {
	var fields []concourse.MetadataField
	for i, f := range files {
		if i == maxMetadataFiles {
			fields = append(fields, concourse.MetadataField{Name: "…", Value: fmt.Sprintf("%d more files", len(files)-i)})
			break
		}
		fields = append(fields, concourse.MetadataField{Name: f.Name, Value: urlList(f.URLs)})
	}
	return fields
}

func urlList(urls []metalink.URL) string {
	if len(urls) == 0 {
		return "no URLs"
	}
	var shown []string
	for _, u := range urls[:min(len(urls), maxMetadataURLs)] {
		shown = append(shown, redact.String(u.URL))
	}
	list := strings.Join(shown, ", ")
	if len(urls) > maxMetadataURLs {
		list += fmt.Sprintf(" and %d more", len(urls)-maxMetadataURLs)
	}
	return list
}
