package meta4repocmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/catalog"
	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/repository/filerepo"
)

func (a *app) catalogCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "catalog --output DIR URI...",
		Short: "Write a static web site that catalogs the repositories: versions, files, hashes, URLs, records, history",
		Long: "Render the catalog of the repositories as a static site in DIR: the repositories, each one's versions\n" +
			"(newest first), and each version's files with their hashes, URLs, licence, publisher, description and\n" +
			"signature, its .meta4 and JSON, and (git) the commits and builds that made it; search by file name,\n" +
			"version or hash prefix. Links are relative and nothing is loaded from elsewhere, so the site works\n" +
			"from file://, S3 or any web server. DIR is written whole or not at all: an earlier catalog there is\n" +
			"replaced, any other non-empty directory is refused. meta4-repo serve shows the same pages at /.",
		Args: cli.Args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return a.catalog(cmd.Context(), output, args) },
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "directory to write the site to (required)")
	return cmd
}

func (a *app) catalog(ctx context.Context, output string, uris []string) error {
	if output == "" {
		return cli.Usagef("--output DIR is required")
	}
	client, err := a.network.Client(a.console)
	if err != nil {
		return err
	}
	sources, err := a.sources(uris, client)
	if err != nil {
		return err
	}
	repos := make([]catalog.Repository, len(sources))
	for i, src := range sources {
		if filerepo.IsFileURI(uris[i]) {
			if err := filerepo.CheckExists(uris[i]); err != nil {
				return err
			}
		}
		repo, err := src.Open(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", src.Name, err)
		}
		entries, err := repo.List(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", src.Name, err)
		}
		repos[i] = catalog.Repository{Name: src.Name, Entries: entries, Repo: repo}
	}
	if err := catalog.New(repos).Write(ctx, output); err != nil {
		return err
	}
	_, _ = fmt.Fprintf(a.console, "catalog: wrote %s (%d repositories)\n", output, len(repos))
	return nil
}
