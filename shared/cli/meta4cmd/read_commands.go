package meta4cmd

import (
	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// absentValues is the rule of every command that prints what the document
// says, said in each one's help.
const absentValues = "A value the document does not have prints nothing, and the command exits 0:\n" +
	"v=$(meta4 file-version) works under set -e, and ${v:-unknown} gives a default."

// reading is cmd, which prints what the document says, with a help that
// says more, when more is not "", and the rule of absent values.
func reading(cmd *cobra.Command, more string) *cobra.Command {
	cmd.Long = cmd.Short + "."
	if more != "" {
		cmd.Long += "\n\n" + more
	}
	cmd.Long += "\n\n" + absentValues
	return cmd
}

// formatFlag is --format. pflag sets it while it parses the flags, so an
// unknown format is a usage error that names the flag.
type formatFlag struct{ format meta4ops.Format }

func (f *formatFlag) String() string { return string(f.format) }

func (f *formatFlag) Type() string { return "format" }

func (f *formatFlag) Set(name string) error {
	format, err := meta4ops.ParseFormat(name)
	if err == nil {
		f.format = format
	}
	return err
}

// formatted is cmd with --format, text by default, its help saying first
// what text and then what JSON prints.
func formatted(cmd *cobra.Command, format *formatFlag, text, json string) *cobra.Command {
	format.format = meta4ops.Text
	cmd.Use += " [--format text|json]"
	cmd.Flags().Var(format, "format", "text or json")
	return reading(cmd, "Text: "+text+"\n\nJSON: "+json)
}

// fileInfoText and fileInfoJSON say what file-info prints, and info of each file.
const (
	fileInfoText = `one "key: value" line per value, in this order, each key left out when
the file has no value for it:
  name: NAME
  size: BYTES
  version, copyright, description, identity, logo: TEXT (a value of several lines, such as
    a description, is one line of its key per line, to be joined with line feeds)
  language: LANGUAGE, os: OS (one line each)
  publisher: NAME, publisher-url: URL
  hash: TYPE HASH (one per type, by type, lower-case hex)
  url: PRIORITY LOCATION URL (in the order downloads try them: lower priority first, then
    those without; "-" stands for no priority or no location; userinfo printed as [redacted])
  metaurl: PRIORITY MEDIATYPE URL NAME (in document order; no NAME when it has none)
  pieces: TYPE LENGTH, then piece: TYPE HASH per piece, in order
  signature: MEDIATYPE (one line per signature, in document order)`
	fileInfoJSON = `one object with the keys name, size, version, copyright, description,
identity, languages, logo, oses, publisher {name, url}, hashes {"TYPE": "HASH"}, urls
[{url, priority, location}] (in the order of the text), metaurls [{url, mediatype, name,
priority}], pieces [{type, length, hashes}] and signatures [{mediatype}]. Only name is always
there; a key, or a key inside one of those objects, is left out when the file has no value.
A size of 0 counts as none: a document cannot tell the two apart.

signatures say that the file is signed and how, not by whom: the signer is known only
once file-verify or file-download checks each signature against the configured trust.`
)

func (a *app) fileInfoCommand() *cobra.Command {
	var format formatFlag
	cmd := command("file-info", "Print everything the document says of the file", 0, func(*cobra.Command, []string) error {
		return a.printFile(func(f *metalink.File) (string, error) {
			return meta4ops.Render(meta4ops.DescribeFile(*f), format.format)
		})
	})
	return formatted(cmd, &format, fileInfoText, fileInfoJSON)
}

func (a *app) fileURLsCommand() *cobra.Command {
	var format formatFlag
	cmd := command("file-urls", "Print the file's URLs", 0, func(*cobra.Command, []string) error {
		return a.printFile(func(f *metalink.File) (string, error) {
			return meta4ops.Render(meta4ops.FileURLs(*f), format.format)
		})
	})
	return formatted(cmd, &format, "one URL per line, in document order (file-info lists them in download order),\n"+
		"userinfo printed as [redacted].",
		"a list of {url, priority, location} in the same order, [] for none; priority and location\n"+
			"are left out when the URL has none.")
}

func (a *app) infoCommand() *cobra.Command {
	var format formatFlag
	cmd := command("info", "Print everything the document says", 0, func(*cobra.Command, []string) error {
		d := a.document()
		if err := d.Read(false); err != nil {
			return err
		}
		text, err := meta4ops.Render(meta4ops.DescribeDocument(d.Metalink), format.format)
		if err != nil {
			return err
		}
		return a.printData(text)
	})
	return formatted(cmd, &format,
		`the document's own lines, generator: TEXT, origin: URL, origin-dynamic: true|false,
published: TIME and updated: TIME (RFC 3339), then, after an empty line each, every file's
lines as file-info prints them, each beginning with its name line.`,
		`one object with the keys generator, origin {url, dynamic}, published, updated
(RFC 3339) and files, a list of objects as file-info prints them ([] for none). Only files
is always there, and dynamic whenever origin is.`)
}
