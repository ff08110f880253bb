package meta4ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// githubAttestations is the answer of GET /repos/{repo}/attestations/{digest}.
type githubAttestations struct {
	Attestations []struct {
		Bundle json.RawMessage `json:"bundle"`
	} `json:"attestations"`
}

// attestations fetches the Sigstore bundles GitHub keeps for the artifact
// of sha256 hex digest in repo: none when it keeps none (404).
func (c *GitHubClient) attestations(ctx context.Context, repo, digest string) ([]metalink.Signature, error) {
	var answer githubAttestations
	resp, err := c.get(ctx, "/repos/"+repo+"/attestations/sha256:"+url.PathEscape(digest)+"?per_page=100", "a list of attestations", &answer)
	switch {
	case err != nil:
		return nil, fmt.Errorf("get attestations of sha256:%s: %w", digest, err)
	case resp.StatusCode == http.StatusNotFound:
		return nil, nil
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("get attestations of sha256:%s: GitHub API answered %s", digest, resp.Status)
	}
	var bundles []metalink.Signature
	for i, a := range answer.Attestations {
		if len(a.Bundle) == 0 || string(a.Bundle) == "null" {
			continue // a bundle GitHub serves only by URL: not one it vouches for inline
		}
		if len(a.Bundle) > verify.MaxSignatureSize {
			return nil, fmt.Errorf("attestation %d of sha256:%s is %d bytes, more than %d", i+1, digest, len(a.Bundle), verify.MaxSignatureSize)
		}
		bundles = append(bundles, metalink.Signature{MediaType: bundleMediaType(a.Bundle), Signature: string(a.Bundle)})
	}
	return bundles, nil
}

// bundleMediaType is the bundle's own media type when it is one we verify,
// else the current one; verification reads the version from the bundle.
func bundleMediaType(bundle []byte) string {
	var head struct {
		MediaType string `json:"mediaType"`
	}
	if json.Unmarshal(bundle, &head) == nil {
		if kind, err := (metalink.Signature{MediaType: head.MediaType}).Kind(); err == nil && kind == metalink.KindSigstore {
			return head.MediaType
		}
	}
	return metalink.SignatureSigstore
}

// download reads a small asset (a signature) whole, without the token,
// which goes to the API only.
func (c *GitHubClient) download(ctx context.Context, rawURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", redact.Quote(redact.UnparsedURL(rawURL)), resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, verify.MaxSignatureSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > verify.MaxSignatureSize {
		return nil, fmt.Errorf("more than %d bytes: not a signature", verify.MaxSignatureSize)
	}
	return data, nil
}

// signatureAsset is an asset that signs another asset of the release.
type signatureAsset struct {
	asset  githubAsset
	target string
	kind   string // a media type, or "" until the content says (.sig, .asc)
}

// signatureSuffixes name the sibling assets that are signatures of NAME.
var signatureSuffixes = []struct{ suffix, mediaType string }{
	{".minisig", metalink.SignatureMinisign},
	{".sigstore.json", metalink.SignatureSigstore},
	{".sigstore", metalink.SignatureSigstore},
	{".sig", ""},
	{".asc", ""},
}

// splitSignatures tells the assets that sign another asset of the release
// from the files.
func splitSignatures(assets []githubAsset) (files []githubAsset, signatures []signatureAsset) {
	names := map[string]bool{}
	for _, a := range assets {
		names[a.Name] = true
	}
	for _, a := range assets {
		matched := false
		for _, s := range signatureSuffixes {
			if target, ok := strings.CutSuffix(a.Name, s.suffix); ok && names[target] {
				signatures = append(signatures, signatureAsset{asset: a, target: target, kind: s.mediaType})
				matched = true
				break
			}
		}
		if !matched {
			files = append(files, a)
		}
	}
	return files, signatures
}

// sniffSignature says what a .sig or .asc holds by its armor: an SSH or an
// OpenPGP signature. Anything else (cosign's bare .sig beside a .pem, which
// carries no log entry or timestamp to verify offline) is not one.
func sniffSignature(data []byte) (string, bool) {
	text := strings.TrimSpace(string(data))
	switch {
	case strings.HasPrefix(text, "-----BEGIN SSH SIGNATURE-----"):
		return metalink.SignatureSSH, true
	case strings.HasPrefix(text, "-----BEGIN PGP SIGNATURE-----"):
		return metalink.SignaturePGP, true
	}
	return "", false
}
