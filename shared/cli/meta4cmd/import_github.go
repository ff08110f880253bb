package meta4cmd

import (
	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

func (a *app) importGitHubReleaseCommand() *cobra.Command {
	opts := meta4ops.ImportGitHubReleaseOptions{Names: flagNames, Log: a.console}
	cmd := command("import-github-release [--include GLOB]... [--exclude GLOB]... [--version V] OWNER/REPO TAG",
		"Add the assets of a GitHub release: size, download URL and the digest GitHub computed", 2,
		func(cmd *cobra.Command, args []string) error {
			if err := opts.Assets.Validate(flagNames); err != nil {
				return err
			}
			client, err := a.networkClient()
			if err != nil {
				return err
			}
			get, err := a.downloadOptions(verify.Options{})
			if err != nil {
				return err
			}
			github := meta4ops.NewGitHubClient(a.streams.Getenv, client.HTTP.Transport)
			return meta4ops.ImportGitHubRelease(cmd.Context(), a.document(), args[0], args[1], opts, github, get)
		})
	cmd.Long = "Add one file per asset of the release tagged TAG, as the GitHub REST API describes it\n" +
		"($GITHUB_API_URL, default " + meta4ops.DefaultGitHubAPI + "; $GITHUB_TOKEN authenticates, and is never printed).\n" +
		"An asset without a digest is downloaded once and hashed while it streams, unless --no-download.\n" +
		"NAME.minisig, NAME.sigstore.json and NAME.sig or NAME.asc holding an SSH or OpenPGP signature become\n" +
		"signatures of NAME rather than files; --attestations adds NAME's attestation bundles."
	cmd.Flags().StringArrayVar(&opts.Assets.Include, "include", nil, "only assets whose name matches this glob (repeatable)")
	cmd.Flags().StringArrayVar(&opts.Assets.Exclude, "exclude", nil, "leave out assets whose name matches this glob (repeatable)")
	cmd.Flags().StringVar(&opts.Version, "version", "", "the files' version (default: TAG without a leading v)")
	cmd.Flags().BoolVar(&opts.NoDownload, "no-download", false, "fail on an asset without a digest instead of downloading it")
	cmd.Flags().BoolVar(&opts.Attestations, "attestations", false, "record each asset's attestation bundles (GET /repos/OWNER/REPO/attestations/sha256:DIGEST) as its signatures")
	a.network.Register(cmd.Flags())
	return cmd
}
