package meta4ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/selection"
)

// digestTypes maps the algorithm of a GitHub asset digest to a hash type;
// digests of other algorithms are not ones downloads verify.
var digestTypes = map[string]string{"sha256": "sha-256", "sha512": "sha-512", "sha1": "sha-1", "md5": "md5"}

// ImportGitHubReleaseOptions say which assets of a release ImportGitHubRelease
// adds, and how.
type ImportGitHubReleaseOptions struct {
	Assets     selection.Filter // validated by the caller, in its own words
	Version    string           // the files' version; "": the tag without a leading v
	NoDownload bool             // fail on an asset without a digest instead of downloading it
	// Attestations fetches each file's attestation bundles from the API
	// and records them as its signatures.
	Attestations bool
	Names        field.Names // says "include", "exclude" and "no_download" in the caller's words
	Log          io.Writer   // which assets are downloaded to be hashed; nil discards it
}

// ImportGitHubRelease adds one file per selected asset of the release of
// repo ("OWNER/REPO") tagged tag, as github describes it: size, download URL
// and the digest GitHub computed. An asset without a digest is downloaded
// once through get and hashed while it streams, unless NoDownload. An asset
// that signs another (NAME.minisig, NAME.sigstore.json, NAME.sig or
// NAME.asc holding an SSH or OpenPGP signature) becomes a signature of NAME
// instead of a file; with Attestations, so do NAME's attestation bundles.
func ImportGitHubRelease(ctx context.Context, d *Document, repo, tag string, opts ImportGitHubReleaseOptions, github *GitHubClient, get download.Options) error {
	release, err := github.release(ctx, repo, tag)
	if err != nil {
		return err
	}
	var assets []githubAsset
	files, signatureAssets := splitSignatures(release.Assets)
	for _, asset := range files {
		if opts.Assets.Selected(asset.Name) {
			assets = append(assets, asset)
		}
	}
	signatures, kept, err := readSignatureAssets(ctx, github, signatureAssets, opts)
	if err != nil {
		return err
	}
	assets = append(assets, kept...)
	if len(assets) == 0 {
		return fmt.Errorf("release %s of %s has no asset that %s and %s select (%d assets)",
			tag, repo, opts.Names.Of("include"), opts.Names.Of("exclude"), len(release.Assets))
	}
	if opts.Version == "" {
		opts.Version = strings.TrimPrefix(tag, "v")
	}
	var unrecorded error // said only once the import succeeded
	err = d.Change(true, func(d *Document) error {
		for _, asset := range assets {
			if err := recordAsset(ctx, d, asset, opts, get); err != nil {
				return err
			}
		}
		if err := recordSignatures(ctx, d, repo, assets, signatures, opts, github); err != nil {
			return err
		}
		// Asked once the assets are in: a release refused for its assets
		// costs no further request.
		var records func(d *Document, name string) error
		records, unrecorded = repositoryRecords(ctx, github, repo)
		for _, asset := range assets {
			if err := records(d, asset.Name); err != nil {
				return err
			}
		}
		if d.Metalink.Published == nil {
			d.Metalink.Published = release.PublishedAt
		}
		return nil
	})
	if err == nil && unrecorded != nil {
		logf(opts.Log, "warning: no publisher or licence recorded: %v\n", unrecorded)
	}
	return err
}

// recordAsset adds one asset, hashing it when GitHub gives no digest.
func recordAsset(ctx context.Context, d *Document, asset githubAsset, opts ImportGitHubReleaseOptions, get download.Options) error {
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
		if opts.NoDownload {
			return fmt.Errorf("asset %s has no digest (and %s forbids hashing it)", asset.Name, opts.Names.Of("no_download"))
		}
		logf(opts.Log, "%s: no digest from GitHub, downloading it to hash it\n", asset.Name)
		if size, hashes, err = describe(ctx, asset.Name, asset.BrowserDownloadURL, asset.Size, DefaultHashes(), get); err != nil {
			return fmt.Errorf("download %s: %w", asset.Name, err)
		}
	}
	return recordFile(d, asset.Name, size, hashes, metalink.URL{URL: asset.BrowserDownloadURL}, opts.Version)
}

// repositoryRecords returns what records the repository's owner as the
// publisher and its licence (SPDX identifier, else name) on a file that
// has none yet. The records are a courtesy: when the API does not give
// them, the error says why and the import goes on without.
func repositoryRecords(ctx context.Context, github *GitHubClient, repo string) (func(d *Document, name string) error, error) {
	r, err := github.repository(ctx, repo)
	if err != nil {
		return func(*Document, string) error { return nil }, err
	}
	var publisher *metalink.Publisher
	if metalink.CheckRecord(r.Owner.Login) == nil && strings.TrimSpace(r.Owner.Login) != "" {
		publisher = &metalink.Publisher{Name: r.Owner.Login}
		if metalink.CheckRecordLink(r.Owner.HTMLURL) == nil {
			publisher.URL = r.Owner.HTMLURL
		}
	}
	var license *metalink.License
	if r.License != nil {
		name := r.License.SPDXID
		if name == "" || name == "NOASSERTION" {
			name = r.License.Name
		}
		if _, err := metalink.CheckNamedLink(name, ""); err == nil {
			license = &metalink.License{Name: name}
		}
	}
	return func(d *Document, name string) error {
		f, err := d.File(name)
		if err != nil {
			return err
		}
		if f.Publisher == nil {
			f.Publisher = publisher
		}
		if f.License == nil {
			f.License = license
		}
		return nil
	}, nil
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
	h, err := Digest(algo, digest)
	if err != nil {
		return nil, fmt.Errorf("asset %s: digest: %w", asset.Name, err)
	}
	return []metalink.Hash{h}, nil
}

// readSignatureAssets reads the signature assets of selected files; a .sig
// or .asc that holds no signature we verify is kept as a file of its own.
func readSignatureAssets(ctx context.Context, github *GitHubClient, assets []signatureAsset, opts ImportGitHubReleaseOptions) (map[string][]metalink.Signature, []githubAsset, error) {
	signatures := map[string][]metalink.Signature{}
	var kept []githubAsset
	for _, s := range assets {
		if !opts.Assets.Selected(s.target) {
			continue
		}
		if err := checkDownloadURL(s.asset.BrowserDownloadURL); err != nil {
			return nil, nil, fmt.Errorf("asset %s: browser_download_url %w", s.asset.Name, err)
		}
		data, err := github.download(ctx, s.asset.BrowserDownloadURL)
		if err != nil {
			return nil, nil, fmt.Errorf("download %s: %w", s.asset.Name, err)
		}
		mediaType := s.kind
		if mediaType == "" {
			var ok bool
			if mediaType, ok = sniffSignature(data); !ok {
				logf(opts.Log, "%s: not an SSH or OpenPGP signature (a cosign .sig has no log entry or timestamp to verify offline; "+
					"ask for NAME.sigstore.json), kept as a file\n", s.asset.Name)
				kept = append(kept, s.asset)
				continue
			}
		}
		if mediaType == metalink.SignatureSigstore {
			mediaType = bundleMediaType(data)
		}
		signatures[s.target] = append(signatures[s.target], metalink.Signature{MediaType: mediaType, Signature: string(data)})
		logf(opts.Log, "%s: a signature of %s\n", s.asset.Name, s.target)
	}
	return signatures, kept, nil
}

// recordSignatures adds each file's signature assets and, with
// Attestations, the bundles GitHub keeps for its sha-256.
func recordSignatures(ctx context.Context, d *Document, repo string, assets []githubAsset, signatures map[string][]metalink.Signature,
	opts ImportGitHubReleaseOptions, github *GitHubClient) error {
	for _, asset := range assets {
		f, err := d.File(asset.Name)
		if err != nil {
			return err
		}
		for _, sig := range signatures[asset.Name] {
			f.AddSignature(sig)
		}
		if !opts.Attestations {
			continue
		}
		i := f.HashIndex("sha-256")
		if i < 0 {
			return fmt.Errorf("asset %s: no sha-256 to ask for its attestations by", asset.Name)
		}
		bundles, err := github.attestations(ctx, repo, strings.ToLower(strings.TrimSpace(f.Hashes[i].Hash)))
		if err != nil {
			return fmt.Errorf("asset %s: %w", asset.Name, err)
		}
		for _, b := range bundles {
			f.AddSignature(b)
		}
		logf(opts.Log, "%s: %d attestation(s)\n", asset.Name, len(bundles))
	}
	return nil
}
