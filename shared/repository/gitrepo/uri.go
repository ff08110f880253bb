package gitrepo

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// defaultSSHUser is who we log in as when a git+ssh uri names no user, as
// every git hosting service expects.
const defaultSSHUser = "git"

// location is a parsed repository uri.
type location struct {
	// remote is the URL handed to go-git. It never carries credentials, so it
	// is safe to print.
	remote   string
	scheme   string // file, http, https, ssh or git
	user     string // from the uri's userinfo
	password string // from the uri's userinfo (http and https only)
	hostPort string // ssh: host:port, to look the host up in known_hosts
	subPath  string // directory (or glob) inside the repository; "" = the root
	branch   string // "" = the branch the remote's HEAD points at
}

// parseURI understands
//
//	git+file:///srv/repo.git
//	git+http(s)://[user[:password]@]host[:port]/org/repo.git
//	git://host[:port]/org/repo.git
//	git+ssh://[user@]host[:port]/org/repo.git     (path absolute on the server)
//	git+ssh://[user@]host:org/repo.git            (clone form, path relative to the login;
//	                                               digits alone after the colon are a port)
//
// each optionally followed by //sub/path (a glob is allowed) and #branch.
func parseURI(raw string) (location, error) {
	scheme, rest, found := strings.Cut(raw, "://")
	if !found {
		return location{}, errors.New("expected SCHEME://…")
	}
	rest, fragment, _ := strings.Cut(rest, "#")
	branch, err := parseBranch(fragment)
	if err != nil {
		return location{}, err
	}
	authority, pathPart := rest, ""
	if slash := strings.IndexByte(rest, '/'); slash >= 0 {
		authority, pathPart = rest[:slash], rest[slash:]
	}
	userinfo, hostPort := "", authority
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		userinfo, hostPort = authority[:at], authority[at+1:]
	}
	user, password, err := parseUserinfo(userinfo)
	if err != nil {
		return location{}, err
	}

	var loc location
	switch strings.ToLower(scheme) {
	case "git+file":
		loc, err = fileLocation(user, hostPort, pathPart)
	case "git+http", "git+https", "git":
		loc, err = networkLocation(strings.TrimPrefix(strings.ToLower(scheme), "git+"), user, password, hostPort, pathPart)
	case "git+ssh":
		loc, err = sshLocation(user, password, hostPort, pathPart)
	default:
		return location{}, fmt.Errorf("unsupported scheme %s (expected git+file, git+http, git+https, git+ssh or git)", redact.Quote(scheme))
	}
	if err != nil {
		return location{}, err
	}
	loc.branch = branch
	return loc, nil
}

func parseBranch(fragment string) (string, error) {
	branch, err := url.PathUnescape(fragment)
	if err != nil {
		return "", fmt.Errorf("branch %s: %w", redact.Quote(fragment), err)
	}
	if branch == "" {
		return "", nil
	}
	if err := plumbing.NewBranchReferenceName(branch).Validate(); err != nil {
		return "", fmt.Errorf("branch %s is not a valid git branch name", redact.Quote(branch))
	}
	return branch, nil
}

func parseUserinfo(userinfo string) (user, password string, err error) {
	if userinfo == "" {
		return "", "", nil
	}
	rawUser, rawPassword, _ := strings.Cut(userinfo, ":")
	if user, err = url.PathUnescape(rawUser); err != nil {
		return "", "", errors.New("uri user is not valid percent-encoding")
	}
	if password, err = url.PathUnescape(rawPassword); err != nil {
		return "", "", errors.New("uri password is not valid percent-encoding")
	}
	return user, password, nil
}

func fileLocation(user, hostPort, pathPart string) (location, error) {
	if user != "" {
		return location{}, errors.New("git+file uri cannot carry credentials")
	}
	if hostPort != "" && hostPort != "localhost" {
		return location{}, fmt.Errorf("git+file uri needs an absolute path (git+file:///path/to/repo.git), not host %s", redact.Quote(hostPort))
	}
	repoPath, subPath, err := splitRepoPath(pathPart)
	if err != nil {
		return location{}, err
	}
	remote := url.URL{Scheme: "file", Path: repoPath}
	return location{remote: remote.String(), scheme: "file", subPath: subPath}, nil
}

func networkLocation(scheme, user, password, hostPort, pathPart string) (location, error) {
	if scheme == "git" && user != "" {
		return location{}, errors.New("git:// uri cannot carry credentials")
	}
	host, port, hasPort := cutHostColon(hostPort)
	if host == "" {
		return location{}, fmt.Errorf("%s uri has no host", scheme)
	}
	if hasPort && !isPort(port) {
		return location{}, fmt.Errorf("%s uri has an invalid port %s", scheme, redact.Quote(port))
	}
	repoPath, subPath, err := splitRepoPath(pathPart)
	if err != nil {
		return location{}, err
	}
	remote := url.URL{Scheme: scheme, Host: hostPort, Path: repoPath}
	return location{remote: remote.String(), scheme: scheme, user: user, password: password, subPath: subPath}, nil
}

func sshLocation(user, password, hostPort, pathPart string) (location, error) {
	if password != "" {
		return location{}, errors.New("git+ssh uri cannot carry a password: put the private key in options.private_key")
	}
	if user == "" {
		user = defaultSSHUser
	}
	host, afterColon, hasColon := cutHostColon(hostPort)
	if host == "" {
		return location{}, errors.New("git+ssh uri has no host")
	}
	port := "22"
	cloneForm := false
	switch {
	case hasColon && isDigits(afterColon):
		// user@host:NNN/path — digits after the colon are a port, never a
		// path: one out of range is a mistake, not a directory named 99999.
		if !isPort(afterColon) {
			return location{}, fmt.Errorf("git+ssh uri has an invalid port %s (expected 1 to 65535)", redact.Quote(afterColon))
		}
		port = afterColon
	case hasColon:
		// user@host:org/repo.git — what follows the colon is the first path
		// segment, relative to the login's home.
		cloneForm = true
		pathPart = afterColon + pathPart
	}
	repoPath, subPath, err := splitRepoPath(pathPart)
	if err != nil {
		return location{}, err
	}
	loc := location{scheme: "ssh", user: user, hostPort: net.JoinHostPort(strings.Trim(host, "[]"), port), subPath: subPath}
	if cloneForm {
		if strings.HasPrefix(host, "[") {
			return location{}, errors.New("clone-form git+ssh uri cannot use an IPv6 host: write git+ssh://user@[host]/path")
		}
		loc.remote = user + "@" + host + ":" + repoPath
		return loc, nil
	}
	remote := url.URL{Scheme: "ssh", User: url.User(user), Host: hostPort, Path: repoPath}
	loc.remote = remote.String()
	return loc, nil
}

// cutHostColon splits "host:rest", "[v6]:rest", "host" or "[v6]".
func cutHostColon(hostPort string) (host, afterColon string, hasColon bool) {
	if strings.HasPrefix(hostPort, "[") {
		end := strings.IndexByte(hostPort, ']')
		if end < 0 {
			return "", "", false
		}
		host, rest := hostPort[:end+1], hostPort[end+1:]
		after, found := strings.CutPrefix(rest, ":")
		if rest != "" && !found {
			return "", "", false
		}
		return host, after, found
	}
	return strings.Cut(hostPort, ":")
}

// isDigits reports a non-empty string of ASCII digits only.
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func isPort(s string) bool {
	n, err := strconv.ParseUint(s, 10, 16)
	return err == nil && n > 0
}

// splitRepoPath splits "/org/repo.git//sub/dir" into the repository path and
// the sub-path inside it.
func splitRepoPath(pathPart string) (repoPath, subPath string, err error) {
	rawRepo, rawSub := pathPart, ""
	if i := strings.Index(pathPart, "//"); i >= 0 {
		rawRepo, rawSub = pathPart[:i], pathPart[i+2:]
	}
	if repoPath, err = url.PathUnescape(rawRepo); err != nil {
		return "", "", fmt.Errorf("repository path %s is not valid percent-encoding", redact.Quote(rawRepo))
	}
	if strings.Trim(repoPath, "/") == "" {
		return "", "", errors.New("uri has no repository path")
	}
	if subPath, err = url.PathUnescape(rawSub); err != nil {
		return "", "", fmt.Errorf("sub-path %s is not valid percent-encoding", redact.Quote(rawSub))
	}
	subPath, err = cleanSubPath(subPath)
	return repoPath, subPath, err
}

func cleanSubPath(subPath string) (string, error) {
	subPath = strings.Trim(subPath, "/")
	if subPath == "" {
		return "", nil
	}
	for _, segment := range strings.Split(subPath, "/") {
		if segment == ".." {
			return "", fmt.Errorf("sub-path %s must stay inside the repository", redact.Quote(subPath))
		}
	}
	subPath = path.Clean(subPath)
	if subPath == "." {
		return "", nil
	}
	if !doublestar.ValidatePattern(subPath) {
		return "", fmt.Errorf("sub-path %s is not a valid glob", redact.Quote(subPath))
	}
	return subPath, nil
}
