package meta4cmd

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/selection"
)

// digestTypes maps the algorithm of a GitHub asset digest to a hash type.
var digestTypes = map[string]string{"sha256": "sha-256", "sha512": "sha-512", "sha1": "sha-1", "md5": "md5"}

type githubImport struct {
	include, exclude []string
	version          string
	noDownload       bool
}

func (a *app) importGitHubReleaseCommand() *cobra.Command {
	var opts githubImport
	cmd := command("import-github-release [--include GLOB]... [--exclude GLOB]... [--version V] OWNER/REPO TAG",
		"Add the assets of a GitHub release: size, download URL and the digest GitHub computed", 2,
		func(cmd *cobra.Command, args []string) error {
			return a.importGitHubRelease(cmd.Context(), opts, args[0], args[1])
		})
	cmd.Long = "Add one file per asset of the release tagged TAG, as the GitHub REST API describes it\n" +
		"($GITHUB_API_URL, default " + defaultGitHubAPI + "; $GITHUB_TOKEN authenticates, and is never printed).\n" +
		"An asset without a digest is downloaded once and hashed while it streams, unless --no-download."
	cmd.Flags().StringArrayVar(&opts.include, "include", nil, "only assets whose name matches this glob (repeatable)")
	cmd.Flags().StringArrayVar(&opts.exclude, "exclude", nil, "leave out assets whose name matches this glob (repeatable)")
	cmd.Flags().StringVar(&opts.version, "version", "", "the files' version (default: TAG without a leading v)")
	cmd.Flags().BoolVar(&opts.noDownload, "no-download", false, "fail on an asset without a digest instead of downloading it")
	a.network.Register(cmd.Flags())
	return cmd
}

func (a *app) importGitHubRelease(ctx context.Context, opts githubImport, repo, tag string) error {
	filter := selection.Filter{Include: opts.include, Exclude: opts.exclude}
	if err := filter.Validate(func(field string) string { return "--" + field }); err != nil {
		return err
	}
	client, err := a.networkClient()
	if err != nil {
		return err
	}
	release, err := newGitHubClient(a.streams.Getenv, client.HTTP.Transport).release(ctx, repo, tag)
	if err != nil {
		return err
	}
	assets := selectAssets(release.Assets, filter)
	if len(assets) == 0 {
		return fmt.Errorf("release %s of %s has no asset that --include and --exclude select (%d assets)", tag, repo, len(release.Assets))
	}
	version := opts.version
	if version == "" {
		version = strings.TrimPrefix(tag, "v")
	}
	return a.change(true, func(d *document) error {
		for _, asset := range assets {
			if err := a.recordAsset(ctx, d, asset, version, opts.noDownload); err != nil {
				return err
			}
		}
		if d.doc.Published == nil {
			d.doc.Published = release.PublishedAt
		}
		return nil
	})
}

func selectAssets(assets []githubAsset, filter selection.Filter) []githubAsset {
	var selected []githubAsset
	for _, asset := range assets {
		if filter.Selected(asset.Name) {
			selected = append(selected, asset)
		}
	}
	return selected
}

// recordAsset adds one asset, hashing it when GitHub gives no digest.
func (a *app) recordAsset(ctx context.Context, d *document, asset githubAsset, version string, noDownload bool) error {
	if err := metalink.ValidateName(asset.Name); err != nil {
		return fmt.Errorf("asset: %w", err)
	}
	if err := checkDownloadURL(asset.BrowserDownloadURL); err != nil {
		return fmt.Errorf("asset %s: browser_download_url %w", asset.Name, err)
	}
	hashes, err := assetHashes(asset)
	if err != nil {
		return err
	}
	size := asset.Size
	if len(hashes) == 0 {
		if noDownload {
			return fmt.Errorf("asset %s has no digest (and --no-download forbids hashing it)", asset.Name)
		}
		a.console.Printf("%s: no digest from GitHub, downloading it to hash it\n", asset.Name)
		algos, _ := algorithms(defaultHashes)
		if size, hashes, err = a.describe(ctx, asset.Name, asset.BrowserDownloadURL, asset.Size, algos); err != nil {
			return fmt.Errorf("download %s: %w", asset.Name, err)
		}
	}
	return recordFile(d, asset.Name, size, hashes, metalink.URL{URL: asset.BrowserDownloadURL}, version)
}

// checkDownloadURL refuses a download URL GitHub would never give: one that
// is not http(s), or that carries a user name or password, which the
// document would then hold for every reader of it.
func checkDownloadURL(raw string) error {
	if raw == "" {
		return errors.New("is missing")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("%s is no URL", redact.Quote(redact.UnparsedURL(raw)))
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%s is not an http(s) URL", redact.Quote(redact.URL(u)))
	case u.User != nil:
		return fmt.Errorf("%s carries a user name or password", redact.Quote(redact.URL(u)))
	}
	return nil
}

// assetHashes reads the asset's "ALGO:HEX" digest; none when it has none
// or names an algorithm downloads do not verify.
func assetHashes(asset githubAsset) ([]metalink.Hash, error) {
	if asset.Digest == "" {
		return nil, nil
	}
	name, digest, _ := strings.Cut(asset.Digest, ":")
	typ, known := digestTypes[strings.ToLower(name)]
	if !known {
		return nil, nil
	}
	algo, _ := checksums.Algorithm(typ)
	digest, err := digestOf(algo, digest)
	if err != nil {
		return nil, fmt.Errorf("asset %s: digest: %w", asset.Name, err)
	}
	return []metalink.Hash{{Type: typ, Hash: digest}}, nil
}
