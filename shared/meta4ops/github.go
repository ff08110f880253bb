package meta4ops

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// DefaultGitHubAPI is the REST API read without $GITHUB_API_URL.
const DefaultGitHubAPI = "https://api.github.com"

const (
	// maxAPIAnswer bounds a release's JSON; one with a thousand assets is
	// a few megabytes.
	maxAPIAnswer = 32 << 20
	apiTimeout   = 2 * time.Minute
)

// repoName is OWNER/REPO as GitHub allows them.
var repoName = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// githubRelease is what meta4 uses of the REST API's release.
type githubRelease struct {
	TagName     string        `json:"tag_name"`
	PublishedAt *time.Time    `json:"published_at"`
	Assets      []githubAsset `json:"assets"`
}

type githubAsset struct {
	Name               string `json:"name"`
	Size               uint64 `json:"size"`
	BrowserDownloadURL string `json:"browser_download_url"`
	// Digest is "sha256:HEX" for assets GitHub has computed one for.
	Digest string `json:"digest"`
}

// GitHubClient reads the REST API at base ($GITHUB_API_URL), with token
// ($GITHUB_TOKEN) when set. The token goes to the API only, never to
// download URLs.
type GitHubClient struct {
	base  string
	token string
	http  *http.Client
}

// NewGitHubClient is the client of the API that getenv's GITHUB_API_URL
// names, authenticated by its GITHUB_TOKEN, sending through transport.
func NewGitHubClient(getenv func(string) string, transport http.RoundTripper) *GitHubClient {
	base := strings.TrimSuffix(getenv("GITHUB_API_URL"), "/")
	if base == "" {
		base = DefaultGitHubAPI
	}
	return &GitHubClient{base: base, token: getenv("GITHUB_TOKEN"), http: &http.Client{Transport: transport, Timeout: apiTimeout}}
}

// release fetches the release of repo ("OWNER/REPO") tagged tag.
func (c *GitHubClient) release(ctx context.Context, repo, tag string) (githubRelease, error) {
	if !repoName.MatchString(repo) {
		return githubRelease{}, fmt.Errorf("%s is not OWNER/REPO", redact.Quote(repo))
	}
	var release githubRelease
	resp, err := c.get(ctx, "/repos/"+repo+"/releases/tags/"+url.PathEscape(tag), "a release", &release)
	switch {
	case err != nil:
		return githubRelease{}, fmt.Errorf("get release %s of %s: %w", tag, repo, err)
	case resp.StatusCode != http.StatusOK:
		return githubRelease{}, c.refusal(resp, repo, tag)
	}
	return release, nil
}

// githubRepository is what meta4 records of a repository: who publishes
// it and under which licence.
type githubRepository struct {
	Owner struct {
		Login   string `json:"login"`
		HTMLURL string `json:"html_url"`
	} `json:"owner"`
	License *struct {
		SPDXID string `json:"spdx_id"`
		Name   string `json:"name"`
	} `json:"license"`
}

// repository fetches repo's owner and licence, already known to be
// OWNER/REPO.
func (c *GitHubClient) repository(ctx context.Context, repo string) (githubRepository, error) {
	var r githubRepository
	resp, err := c.get(ctx, "/repos/"+repo, "a repository", &r)
	switch {
	case err != nil:
		return githubRepository{}, fmt.Errorf("get repository %s: %w", repo, err)
	case resp.StatusCode != http.StatusOK:
		return githubRepository{}, fmt.Errorf("get repository %s: GitHub API answered %s", repo, resp.Status)
	}
	return r, nil
}

// get reads the API's answer at path into answer (what it should be, "a
// release") when it is 200, and returns the response, whose body is read
// or closed already.
func (c *GitHubClient) get(ctx context.Context, path, what string, answer any) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, fmt.Errorf("GITHUB_API_URL %s: %w", redact.String(c.base), err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "meta4")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // its message repeats the URL
		}
		return nil, err
	}
	// Whatever the answer said has been read or no longer matters.
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		// refusal reads the API's message from what is left of the body.
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return resp, nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAPIAnswer)).Decode(answer); err != nil {
		return nil, fmt.Errorf("the API's answer is not %s: %w", what, err)
	}
	return resp, nil
}

// refusal explains an answer other than 200, with the API's own message.
func (c *GitHubClient) refusal(resp *http.Response, repo, tag string) error {
	var body struct {
		Message string `json:"message"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body) // the status says enough without it
	said := ""
	if body.Message != "" {
		said = ": " + redact.Quote(body.Message)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("no release %s of %s at %s (404 Not Found)", tag, repo, redact.String(c.base))
	case rateLimited(resp):
		return fmt.Errorf("GitHub API rate limit exceeded (%s)%s%s", limitReset(resp), c.tokenHint(), said)
	case resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("GitHub API refused the credentials (401)%s: check GITHUB_TOKEN", said)
	}
	return fmt.Errorf("release %s of %s: GitHub API answered %s%s", tag, repo, resp.Status, said)
}

func rateLimited(resp *http.Response) bool {
	limitStatus := resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests
	return limitStatus && (resp.Header.Get("X-RateLimit-Remaining") == "0" || resp.Header.Get("Retry-After") != "")
}

// limitReset says when requests are allowed again, from the headers GitHub sends.
func limitReset(resp *http.Response) string {
	if seconds, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		return fmt.Sprintf("retry after %d s", seconds)
	}
	if epoch, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		return "the limit resets at " + time.Unix(epoch, 0).UTC().Format(time.RFC3339)
	}
	return "no reset time given"
}

func (c *GitHubClient) tokenHint() string {
	if c.token == "" {
		return "; set GITHUB_TOKEN for a higher limit"
	}
	return ""
}
