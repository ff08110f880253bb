package meta4cmd

import (
	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/smallfile"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

func (a *app) importCommands() []*cobra.Command {
	return []*cobra.Command{
		a.importFileCommand(), a.importMetalinkCommand(), a.importURLCommand(),
		a.importChecksumsCommand(), a.importGitHubReleaseCommand(),
	}
}

func (a *app) importFileCommand() *cobra.Command {
	var hashes []string
	opts := meta4ops.ImportFileOptions{Names: flagNames, Log: a.console}
	cmd := command("import-file [--merge] [--hash T]... [--version V] PATH",
		"Add the local file PATH (named --file, or its base name) with its size and hashes, computed in one read", 1,
		func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Hashes, err = algorithms(hashes); err != nil {
				return err
			}
			opts.Name = a.fileName
			get, err := a.downloadOptions(verify.Options{})
			if err != nil {
				return err
			}
			return meta4ops.ImportFile(cmd.Context(), a.document(), args[0], opts, get)
		})
	var defaults []string
	for _, algo := range meta4ops.DefaultHashes() {
		defaults = append(defaults, algo.Name)
	}
	cmd.Flags().BoolVar(&opts.Merge, "merge", false, "update the file if the document has it already (its size and hashes are replaced)")
	cmd.Flags().StringArrayVar(&hashes, "hash", defaults, "hash type to compute (repeatable)")
	cmd.Flags().StringVar(&opts.Version, "version", "", "the file's version")
	return cmd
}

// algorithms resolves a list of hash types, in the order given.
func algorithms(types []string) ([]verify.Algorithm, error) {
	algos := make([]verify.Algorithm, 0, len(types))
	for _, typ := range types {
		algo, err := checksums.Algorithm(typ)
		if err != nil {
			return nil, err
		}
		algos = append(algos, algo)
	}
	return algos, nil
}

func (a *app) importMetalinkCommand() *cobra.Command {
	opts := meta4ops.ImportMetalinkOptions{Names: flagNames}
	cmd := command("import-metalink [--merge] PATH|-", "Add every file of another metalink (JSON or XML; - reads stdin)", 1,
		func(_ *cobra.Command, args []string) error {
			data, _, err := smallfile.Read(args[0], a.streams.Stdin, metalink.MaxDocumentSize)
			if err != nil {
				return err
			}
			return meta4ops.ImportMetalink(a.document(), args[0], data, opts)
		})
	cmd.Flags().BoolVar(&opts.Merge, "merge", false, "replace files the document has already")
	return cmd
}

func (a *app) importURLCommand() *cobra.Command {
	opts := meta4ops.ImportURLOptions{Names: flagNames}
	cmd := command("import-url [--version V] [--name N] URL",
		"Download URL once and add it as a file with its size, hashes and the URL", 1,
		func(cmd *cobra.Command, args []string) error {
			get, err := a.downloadOptions(verify.Options{})
			if err != nil {
				return err
			}
			return meta4ops.ImportURL(cmd.Context(), a.document(), args[0], opts, get)
		})
	cmd.Flags().StringVar(&opts.Name, "name", "", "the file's name (default: the last segment of the URL's path)")
	cmd.Flags().StringVar(&opts.Version, "version", "", "the file's version")
	a.registerDisableSSL(cmd)
	return cmd
}

func (a *app) importChecksumsCommand() *cobra.Command {
	opts := meta4ops.ImportChecksumsOptions{Stdin: a.streams.Stdin, Names: flagNames}
	cmd := command("import-checksums [--type T] [--version V] --url-prefix URL SUMSFILE|-",
		"Add the files of a GNU or BSD checksum file, each at URL-PREFIX/NAME", 1,
		func(_ *cobra.Command, args []string) error {
			if opts.URLPrefix == "" {
				return cli.Usagef("--url-prefix is required")
			}
			return meta4ops.ImportChecksums(a.document(), args[0], opts)
		})
	cmd.Flags().StringVar(&opts.Type, "type", "", "hash type of every digest (default: from each line's tag or digest length)")
	cmd.Flags().StringVar(&opts.Version, "version", "", "the files' version")
	cmd.Flags().StringVar(&opts.URLPrefix, "url-prefix", "", "URL the files' names are appended to (required)")
	return cmd
}
