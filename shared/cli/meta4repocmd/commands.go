package meta4repocmd

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/entryfilter"
	"github.com/metalink-resources/metalink-resources/shared/repository/publish"
	"github.com/metalink-resources/metalink-resources/shared/repository/query"
	"github.com/metalink-resources/metalink-resources/shared/smallfile"
)

// filterFlags are the --filter flags of filter and show.
type filterFlags struct{ specs []string }

func (f *filterFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVarP(&f.specs, "filter", "f", nil,
		"TYPE:VALUE, repeatable and ANDed: fileversion:CONSTRAINT (any file's version satisfies it), "+
			"repositorypath:GLOB (the document's path in the repository matches it)")
}

// compile builds the filter as the resource builds source.filters.
func (f *filterFlags) compile() (entryfilter.Filter, error) {
	var filter entryfilter.Filter
	for _, spec := range f.specs {
		kind, value, found := strings.Cut(spec, ":")
		if !found {
			return filter, cli.Usagef("--filter %q: expected TYPE:VALUE, e.g. fileversion:~1.11 or repositorypath:stable/*", spec)
		}
		if err := filter.Add(kind, value); err != nil {
			return filter, cli.UsageError{Err: fmt.Errorf("--filter %q: %w", spec, err)}
		}
	}
	return filter, nil
}

// listing is what filter finds and how it prints it.
type listing struct {
	filters filterFlags
	query   query.Query
	format  string
}

// queryNames say the fields of a query.Query by their flags.
func queryNames(f string) string {
	if f == "limit" {
		return "-n"
	}
	return f
}

func (a *app) filterCommand() *cobra.Command {
	l := listing{query: query.Query{Log: a.console, Names: queryNames}}
	cmd := &cobra.Command{
		Use:   "filter [-f TYPE:VALUE]... [-n N] [--sort-reverse] [--format xml|json|version|metalinkxml] URI",
		Short: "List the repository's documents that pass every filter, newest first",
		Long: "List the documents that pass every --filter, ordered by the version of their first file, newest\n" +
			"first (semver, letter versions such as 1.0.2k included). A document whose first file has no\n" +
			"version is left out with a warning, as check leaves it out.\n" +
			formatsHelp,
		Args: cli.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return a.filter(cmd.Context(), l, args[0]) },
	}
	l.filters.register(cmd)
	cmd.Flags().IntVarP(&l.query.Limit, "limit", "n", 0, "print at most N documents (0: all)")
	cmd.Flags().BoolVar(&l.query.Reverse, "sort-reverse", false, "oldest first")
	cmd.Flags().StringVar(&l.format, "format", formatXML, "xml (a repository index), json, version or metalinkxml")
	return cmd
}

func (a *app) filter(ctx context.Context, l listing, uri string) error {
	filter, err := l.filters.compile()
	if err != nil {
		return err
	}
	l.query.Filter = filter
	if err := checkFormat(l.format, filterFormats); err != nil {
		return err
	}
	if err := l.query.Validate(); err != nil {
		return cli.UsageError{Err: err}
	}
	repo, err := a.openToRead(ctx, uri)
	if err != nil {
		return err
	}
	entries, err := query.Find(ctx, repo, l.query)
	if err != nil {
		return err
	}
	return writeList(a.streams.Stdout, l.format, entries)
}

func (a *app) showCommand() *cobra.Command {
	var filters filterFlags
	format := formatMetalinkXML
	cmd := &cobra.Command{
		Use:   "show [-f TYPE:VALUE]... [--format metalinkxml|xml|json|version] URI",
		Short: "Print the one document that passes every filter (by default as meta4 XML)",
		Long: "Print the one document that passes every --filter; none or several is an error naming how many.\n" +
			"By default the document itself is printed as meta4 XML, ready for meta4 --metalink.\n" + formatsHelp,
		Args: cli.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			filter, err := filters.compile()
			if err != nil {
				return err
			}
			if err := checkFormat(format, showFormats); err != nil {
				return err
			}
			repo, err := a.openToRead(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			entry, err := query.FindOne(cmd.Context(), repo, filter)
			if err != nil {
				return notOne(err, args[0])
			}
			return writeOne(a.streams.Stdout, format, entry)
		},
	}
	filters.register(cmd)
	cmd.Flags().StringVar(&format, "format", formatMetalinkXML, "metalinkxml (the document), xml (an index of it), json (the document) or version")
	return cmd
}

// notOne words FindOne's count of matches for the command line: which
// repository has none, and the flag that narrows several.
func notOne(err error, uri string) error {
	var count *query.CountError
	switch {
	case !errors.As(err, &count):
		return err
	case len(count.Paths) == 0:
		return fmt.Errorf("no metalink in %s passes the filters", redact.String(uri))
	}
	return fmt.Errorf("%w; narrow them with --filter", err)
}

func (a *app) putCommand() *cobra.Command {
	var name string
	var allowChanged bool
	cmd := &cobra.Command{
		Use:   "put [--name NAME] URI METALINK-PATH",
		Short: "Publish a metalink (JSON or XML) to the repository, stored as meta4 XML",
		Long: "Publish METALINK-PATH (- reads stdin) under NAME (default: its base name) through the backends of\n" +
			"the resource's out: git (one commit, rebased and retried when the branch moved), S3, file.\n" +
			"Storing identical content again changes nothing. Its first file must have a version. A version already\n" +
			"published is never given other bytes (a file of the same name with another size or hash), unless\n" +
			"--allow-changed-bytes.",
		Args: cli.Args(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, stored, err := a.publishable(args[1], name)
			if err != nil {
				return err
			}
			repo, err := a.open(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			// A put the repository refuses (a read-only index) lists nothing.
			err = repo.CheckPut(stored)
			var published []repository.Entry
			if err == nil {
				published, err = repo.List(cmd.Context())
			}
			if err != nil {
				return fmt.Errorf("publish %s to %s: %w", stored, redact.String(args[0]), err)
			}
			if err := publish.Unchanged(published, stored, doc, allowChanged, "--allow-changed-bytes", a.console); err != nil {
				return err
			}
			if err := publish.Put(cmd.Context(), repo, stored, doc); err != nil {
				return fmt.Errorf("publish %s to %s: %w", stored, redact.String(args[0]), err)
			}
			a.console.Printf("published %s (version %s)\n", stored, repository.RawVersion(doc))
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the name to store the document under, may contain / (default: the base name of METALINK-PATH)")
	cmd.Flags().BoolVar(&allowChanged, "allow-changed-bytes", false, "publish a version whose files have other bytes than the same version already published (a warning says so)")
	return cmd
}

// publishable reads the document at path (- for stdin) and settles its
// stored name, both checked as out checks them.
func (a *app) publishable(path, name string) (metalink.Metalink, string, error) {
	if name == "" {
		if path == "-" {
			return metalink.Metalink{}, "", cli.Usagef("--name is required when the document comes from stdin")
		}
		name = filepath.Base(path)
	}
	data, _, err := smallfile.Read(path, a.streams.Stdin, metalink.MaxDocumentSize)
	if err != nil {
		return metalink.Metalink{}, "", err
	}
	names := func(f string) string {
		switch f {
		case "metalink":
			return path
		case "name":
			return "--name"
		}
		return f
	}
	doc, err := publish.Prepare(data, name, names, a.console)
	return doc, name, err
}
