package metalink

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// MaxRecordText bounds a record that says what a file is and why it is
// kept (a description, an identity, a licence's or publisher's name or
// link): a paragraph, not a document.
const MaxRecordText = 4096

// CheckRecord validates a record given by an author rather than read from
// a document: XML text of at most MaxRecordText bytes.
func CheckRecord(text string) error {
	if len(text) > MaxRecordText {
		return fmt.Errorf("%d bytes, at most %d", len(text), MaxRecordText)
	}
	return xmlCarries(text)
}

// CheckRecordLink validates a licence's or publisher's link: none, or an
// absolute http(s) URL, since it is shown to people as a link (never a
// script or a local path).
func CheckRecordLink(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s is not an http(s) URL", redact.Quote(redact.String(raw)))
	}
	return CheckRecord(raw)
}

// ErrRequired is a licence or publisher without a name.
var ErrRequired = errors.New("is required")

// CheckNamedLink validates a licence or a publisher given by an author: a
// name that is a record (ErrRequired when blank), and a link. field says
// which of the two is wrong.
func CheckNamedLink(name, link string) (field string, err error) {
	if strings.TrimSpace(name) == "" {
		return "name", ErrRequired
	}
	if err := CheckRecord(name); err != nil {
		return "name", err
	}
	return "url", CheckRecordLink(link)
}
