// Package s3client turns s3://HOST[:PORT]/BUCKET/KEY URLs and their options
// into aws-sdk-go-v2 clients, and reads s3:// URLs for downloads.
package s3client

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

const scheme = "s3://"

// Location is a parsed s3:// URL.
type Location struct {
	Host   string // host[:port]
	Bucket string
	Key    string // may be empty only when the URL ends with BUCKET/

	// AccessKey and SecretKey come from URL userinfo (s3://KEY:SECRET@HOST/…),
	// which overrides the access_key and secret_key options as in the original.
	AccessKey string
	SecretKey string
}

// ParseURL parses s3://[ACCESS_KEY:SECRET_KEY@]HOST[:PORT]/BUCKET/KEY. The key
// is percent-decoded; characters such as '?' and '#' are part of it.
func ParseURL(raw string) (Location, error) {
	loc, err := parseURL(raw)
	if err != nil {
		// The userinfo goes before the excerpt is cut, so that no cut leaves
		// part of a secret key that redaction could no longer recognise.
		msg := "s3 url " + redact.Quote(hideUserinfo(raw)) + ": " + err.Error()
		return Location{}, &urlError{msg: redact.Excerpt(msg, maxErrorBytes-len("…")), err: err}
	}
	return loc, nil
}

// hideUserinfo hides, for an error, whatever precedes the last '@' of raw,
// after the scheme: the rule of redact.UnparsedURL, applied also where that
// finds no userinfo, ahead of a misplaced or missing "://" ("AK:SK@s3://h",
// "AK/:SK@://"). Too much hidden costs nothing in an error that says the
// URL is wrong; what follows the last '@' holds no userinfo.
func hideUserinfo(raw string) string {
	at := strings.LastIndexByte(raw, '@')
	if at < 0 {
		return raw
	}
	if scheme, _, found := strings.Cut(raw[:at], "://"); found && !strings.ContainsAny(scheme, "@/") {
		return scheme + "://[redacted]" + raw[at:]
	}
	return "[redacted]" + raw[at:]
}

// maxErrorBytes bounds an error, which is printed as one line of a build
// log, also for a URL of megabytes (the ellipsis of a cut is 3 bytes).
const maxErrorBytes = 1000

// urlError names the URL that did not parse and why; errors.Is and
// errors.As reach the reason.
type urlError struct {
	msg string
	err error
}

func (e *urlError) Error() string { return e.msg }
func (e *urlError) Unwrap() error { return e.err }

func parseURL(raw string) (Location, error) {
	if len(raw) < len(scheme) || !strings.EqualFold(raw[:len(scheme)], scheme) {
		return Location{}, errors.New("expected s3://HOST[:PORT]/BUCKET/KEY")
	}
	authority, path, _ := strings.Cut(raw[len(scheme):], "/")
	var loc Location
	if userinfo, host, found := cutLast(authority, "@"); found {
		if err := loc.setUserinfo(userinfo); err != nil {
			return Location{}, err
		}
		authority = host
	}
	if err := validateHost(authority); err != nil {
		if strings.Contains(path, "@") {
			// The "host" is likely credentials cut short by a '/' in the secret key.
			return Location{}, errors.New("bad host or port (a '/' in credentials must be written %2F)")
		}
		return Location{}, err
	}
	loc.Host = authority
	bucket, key, found := strings.Cut(path, "/")
	if bucket == "" || !found {
		return Location{}, errors.New("expected s3://HOST[:PORT]/BUCKET/KEY (a bucket followed by /)")
	}
	decoded, err := url.PathUnescape(key)
	if err != nil {
		return Location{}, fmt.Errorf("bad percent-encoding in key: %w", err)
	}
	loc.Bucket, loc.Key = bucket, decoded
	return loc, nil
}

func (l *Location) setUserinfo(userinfo string) error {
	access, secret, found := strings.Cut(userinfo, ":")
	var err error
	if l.AccessKey, err = url.PathUnescape(access); err != nil {
		return errors.New("bad percent-encoding in the access key")
	}
	if l.SecretKey, err = url.PathUnescape(secret); err != nil {
		return errors.New("bad percent-encoding in the secret key")
	}
	if !found || l.AccessKey == "" || l.SecretKey == "" {
		return errors.New("userinfo must be ACCESS_KEY:SECRET_KEY")
	}
	return nil
}

func validateHost(hostport string) error {
	host, port := splitHostPort(hostport)
	if host == "" {
		return errors.New("missing host")
	}
	if strings.ContainsAny(host, "%[]") || strings.ContainsFunc(host, isSpaceOrControl) {
		return fmt.Errorf("bad host %s", redact.Quote(hostport))
	}
	if port != "" || strings.HasSuffix(hostport, ":") {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("bad port %s", redact.Quote(port))
		}
	}
	return nil
}

// isSpaceOrControl spots what no host name holds: white space and control
// characters (a line break would split every message that names the host).
func isSpaceOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f || unicode.IsSpace(r) || unicode.IsControl(r)
}

// splitHostPort is net.SplitHostPort that also accepts a host without a port.
func splitHostPort(hostport string) (host, port string) {
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		return h, p
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]"), ""
}

// cutLast is strings.Cut at the last sep, so that an unencoded '@' inside a
// secret key stays in the userinfo (a host never contains one).
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// String is the URL without credentials, for messages.
func (l Location) String() string {
	return scheme + l.Host + "/" + l.Bucket + "/" + l.Key
}
