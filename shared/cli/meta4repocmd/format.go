package meta4repocmd

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/httprepo"
)

// The output formats of filter and show.
const (
	formatXML         = "xml"
	formatJSON        = "json"
	formatVersion     = "version"
	formatMetalinkXML = "metalinkxml"
)

var (
	filterFormats = []string{formatXML, formatJSON, formatVersion, formatMetalinkXML}
	showFormats   = []string{formatMetalinkXML, formatXML, formatJSON, formatVersion}
)

const formatsHelp = "Formats: xml is a repository index (the form http(s) repositories serve), version the first file's\n" +
	"version per document, metalinkxml each document as meta4 XML; json is, for filter, a list of\n" +
	"{path, metalink} and, for show, the document in the resources' JSON form."

func checkFormat(format string, known []string) error {
	if !slices.Contains(known, format) {
		return cli.Usagef("--format %q: expected %s", format, strings.Join(known, ", "))
	}
	return nil
}

// writeList prints the entries of filter.
func writeList(w io.Writer, format string, entries []repository.Entry) error {
	switch format {
	case formatJSON:
		return writeJSONList(w, entries)
	case formatXML:
		return httprepo.WriteIndex(w, entries)
	}
	for _, entry := range entries {
		if err := writeOne(w, format, entry); err != nil {
			return err
		}
	}
	return nil
}

// writeOne prints one entry: as show prints it, and as filter prints each
// entry in the version and metalinkxml formats.
func writeOne(w io.Writer, format string, entry repository.Entry) error {
	var data []byte
	var err error
	switch format {
	case formatVersion:
		version := repository.RawVersion(entry.Metalink)
		if version == "" {
			return fmt.Errorf("%s: %w", entry.Path, repository.ErrNoVersion)
		}
		data = []byte(version + "\n")
	case formatJSON:
		data, err = metalink.MarshalJSON(entry.Metalink)
	case formatXML:
		return httprepo.WriteIndex(w, []repository.Entry{entry})
	default:
		data, err = metalink.MarshalXML(entry.Metalink)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", entry.Path, err)
	}
	_, err = w.Write(data)
	return err
}

func writeJSONList(w io.Writer, entries []repository.Entry) error {
	type listed struct {
		Path     string          `json:"path"`
		Metalink json.RawMessage `json:"metalink"`
	}
	list := struct {
		Metalinks []listed `json:"metalinks"`
	}{Metalinks: []listed{}}
	for _, entry := range entries {
		data, err := metalink.MarshalJSON(entry.Metalink)
		if err != nil {
			return fmt.Errorf("%s: %w", entry.Path, err)
		}
		list.Metalinks = append(list.Metalinks, listed{Path: entry.Path, Metalink: data})
	}
	return writeJSON(w, list)
}

// writeJSON prints v indented, with <, > and & as they are.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
