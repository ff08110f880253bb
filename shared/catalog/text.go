package catalog

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// Bounds of what a page shows of one field, in bytes: a hostile document
// must not make a page of megabytes or a line no screen can hold.
const (
	maxName        = 300
	maxDescription = metalink.MaxRecordText
	maxError       = 600
	maxURL         = 2048
	maxHash        = 256
	maxURLsShown   = 50
	maxSlug        = 60
)

func bound(s string, limit int) string { return redact.Excerpt(s, limit) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// hideSecrets removes URL userinfo from text.
func hideSecrets(text string) string { return redact.String(text) }

func itoa(i int) string { return strconv.Itoa(i) }

// link is a URL as a page shows it: its text without secrets, and an href
// only when it is a public http(s) or ftp URL, so that javascript:, data:
// and the like are never clickable.
type link struct {
	Text string
	Href template.URL // checked by linkOf: html/template would refuse ftp
}

func linkOf(raw string) link {
	u, public := publicURL(raw)
	if u == nil {
		return link{Text: bound(oneLine(redact.String(raw)), maxURL)}
	}
	l := link{Text: bound(oneLine(redact.URL(u)), maxURL)}
	if public && len(raw) <= maxURL && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "ftp") && u.Host != "" {
		l.Href = template.URL(raw) //nolint:gosec // a public http(s)/ftp URL, checked above
	}
	return l
}

// publicURL parses raw and says whether it holds nothing to hide: no
// userinfo, no credential in its query, no fragment, no control character.
func publicURL(raw string) (*url.URL, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, false
	}
	return u, u.User == nil && !strings.ContainsFunc(raw, isControl) && redact.URL(u) == raw
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// publicDocument is m without the URLs that hold a secret: what the site
// publishes as the version's .meta4 and JSON.
func publicDocument(m metalink.Metalink) metalink.Metalink {
	out := m
	out.Files = make([]metalink.File, len(m.Files))
	for i, f := range m.Files {
		f.URLs = nil
		for _, u := range m.Files[i].URLs {
			if _, public := publicURL(u.URL); public {
				f.URLs = append(f.URLs, u)
			}
		}
		f.MetaURLs = nil
		for _, u := range m.Files[i].MetaURLs {
			if _, public := publicURL(u.URL); public {
				f.MetaURLs = append(f.MetaURLs, u)
			}
		}
		if f.License != nil {
			f.License = &metalink.License{Name: f.License.Name, URL: publicOrEmpty(f.License.URL)}
		}
		if f.Publisher != nil {
			f.Publisher = &metalink.Publisher{Name: f.Publisher.Name, URL: publicOrEmpty(f.Publisher.URL)}
		}
		out.Files[i] = f
	}
	if m.Origin != nil {
		if _, public := publicURL(m.Origin.URL); !public {
			out.Origin = nil
		}
	}
	return out
}

func publicOrEmpty(raw string) string {
	if _, public := publicURL(raw); public {
		return raw
	}
	return ""
}

// formatTime is t in UTC to the minute, "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// formatSize says n bytes in binary units, with the exact count when it
// is not a whole number of bytes below a KiB.
func formatSize(n uint64) string {
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	value, unit := float64(n), ""
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"} {
		value, unit = value/1024, u
		if value < 1024 {
			break
		}
	}
	return fmt.Sprintf("%.1f %s (%d bytes)", value, unit, n)
}

// signers says what a page knows of who signed a file, signature by
// signature: the kind and media type and, for an OpenPGP signature, the key
// id of its issuer. The catalog holds no trust: in, file-verify and serve
// prove them.
func signers(sigs []metalink.Signature) string {
	parts := make([]string, 0, len(sigs))
	for _, sig := range sigs {
		text := bound(oneLine(sig.MediaType), maxName)
		if kind, err := sig.Kind(); err == nil {
			text = string(kind) + " (" + text + ")"
		}
		if id, err := verify.SignatureIssuer(sig.Signature); err == nil {
			text += fmt.Sprintf(", key %016X", id)
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, "; ")
}
