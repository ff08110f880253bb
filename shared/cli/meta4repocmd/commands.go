package meta4repocmd

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/entryfilter"
	"github.com/metalink-resources/metalink-resources/shared/repository/publish"
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

// listing is how filter prints what it found.
type listing struct {
	filters filterFlags
	limit   int
	reverse bool
	format  string
}

func (a *app) filterCommand() *cobra.Command {
	var l listing
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
	cmd.Flags().IntVarP(&l.limit, "limit", "n", 0, "print at most N documents (0: all)")
	cmd.Flags().BoolVar(&l.reverse, "sort-reverse", false, "oldest first")
	cmd.Flags().StringVar(&l.format, "format", formatXML, "xml (a repository index), json, version or metalinkxml")
	return cmd
}

func (a *app) filter(ctx context.Context, l listing, uri string) error {
	filter, err := l.filters.compile()
	if err != nil {
		return err
	}
	if err := checkFormat(l.format, filterFormats); err != nil {
		return err
	}
	if l.limit < 0 {
		return cli.Usagef("-n %d: expected 0 (no limit) or more", l.limit)
	}
	entries, err := a.list(ctx, uri)
	if err != nil {
		return err
	}
	selected, err := checked(filter.Select(entries))
	if err != nil {
		return err
	}
	ordered := newestFirst(selected, a.console)
	if l.reverse {
		slices.Reverse(ordered)
	}
	if l.limit > 0 && len(ordered) > l.limit {
		ordered = ordered[:l.limit]
	}
	return writeList(a.streams.Stdout, l.format, ordered)
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
			entries, err := a.list(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			entry, err := onlyEntry(filter.Select(entries), args[0])
			if err == nil {
				_, err = checked([]repository.Entry{entry})
			}
			if err != nil {
				return err
			}
			return writeOne(a.streams.Stdout, format, entry)
		},
	}
	filters.register(cmd)
	cmd.Flags().StringVar(&format, "format", formatMetalinkXML, "metalinkxml (the document), xml (an index of it), json (the document) or version")
	return cmd
}

// checked is entries when in would accept every one of their documents, or
// the error naming the first it would refuse: what the tools print is what
// a script may hand to meta4 file-download next.
func checked(entries []repository.Entry) ([]repository.Entry, error) {
	for _, e := range entries {
		if err := metalink.CheckDocument(e.Metalink); err != nil {
			return nil, fmt.Errorf("%s: %w", redact.Quote(e.Path), err)
		}
	}
	return entries, nil
}

// onlyEntry is the one entry, or an error saying how many there are.
func onlyEntry(entries []repository.Entry, uri string) (repository.Entry, error) {
	switch len(entries) {
	case 1:
		return entries[0], nil
	case 0:
		return repository.Entry{}, fmt.Errorf("no metalink in %s passes the filters", redact.String(uri))
	}
	paths := make([]string, 0, 5)
	for _, e := range entries[:min(len(entries), 5)] {
		paths = append(paths, e.Path)
	}
	if len(entries) > 5 {
		paths = append(paths, "…")
	}
	return repository.Entry{}, fmt.Errorf("%d metalinks pass the filters (%s): expected exactly one; narrow them with --filter",
		len(entries), strings.Join(paths, ", "))
}

func (a *app) putCommand() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "put [--name NAME] URI METALINK-PATH",
		Short: "Publish a metalink (JSON or XML) to the repository, stored as meta4 XML",
		Long: "Publish METALINK-PATH (- reads stdin) under NAME (default: its base name) through the backends of\n" +
			"the resource's out: git (one commit, rebased and retried when the branch moved), S3, file.\n" +
			"Storing identical content again changes nothing. Its first file must have a version.",
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
			if err := publish.Put(cmd.Context(), repo, stored, doc); err != nil {
				return fmt.Errorf("publish %s to %s: %w", stored, redact.String(args[0]), err)
			}
			a.console.Printf("published %s (version %s)\n", stored, repository.RawVersion(doc))
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the name to store the document under, may contain / (default: the base name of METALINK-PATH)")
	return cmd
}

// publishable reads the document and settles its stored name, both
// checked as out checks them.
func (a *app) publishable(path, name string) (metalink.Metalink, string, error) {
	data, _, err := cli.ReadFile(path, a.streams.Stdin, metalink.MaxDocumentSize)
	if err != nil {
		return metalink.Metalink{}, "", err
	}
	doc, err := metalink.Parse(data)
	if err == nil {
		err = publish.CheckDocument(doc)
	}
	if err != nil {
		return metalink.Metalink{}, "", fmt.Errorf("%s: %w", path, err)
	}
	if name == "" {
		if path == "-" {
			return metalink.Metalink{}, "", cli.Usagef("--name is required when the document comes from stdin")
		}
		name = filepath.Base(path)
	}
	if err := publish.CheckName(name); err != nil {
		return metalink.Metalink{}, "", fmt.Errorf("--name: %w", err)
	}
	if !strings.HasSuffix(name, ".meta4") {
		a.console.Printf("warning: %s is stored, but only names ending in .meta4 are listed\n", name)
	}
	return doc, name, nil
}
