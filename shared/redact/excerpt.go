package redact

import (
	"strconv"
	"unicode/utf8"
)

// ExcerptBytes is how much of a long value Quote shows: enough to recognise
// it, little enough to keep a message on one screen line.
const ExcerptBytes = 200

// ellipsis marks where Excerpt and Quote cut.
const ellipsis = "…"

// Excerpt returns s when it is at most max bytes long, and otherwise its
// first max bytes or fewer, cut on a UTF-8 character boundary, followed by
// "…". Redact before cutting: a secret cut in two is no longer found.
func Excerpt(s string, max int) string {
	head, cut := excerpt(s, max)
	if cut {
		return head + ellipsis
	}
	return head
}

// Quote is Excerpt(s, ExcerptBytes) quoted as by %q, with the ellipsis
// outside the quotes ("abc"…), so it cannot be read as part of the value.
// The userinfo of URLs is hidden once more in the quoted text: an escape
// (\f, \t) is no longer white space, so whatever followed it now reads as
// part of the URL before it (://\f:PASSWORD@).
func Quote(s string) string {
	head, cut := excerpt(s, ExcerptBytes)
	quoted := hideUserinfo(strconv.Quote(head))
	if cut {
		return quoted + ellipsis
	}
	return quoted
}

// excerpt returns the head of s Excerpt shows and whether it cut s short;
// a negative limit counts as 0.
func excerpt(s string, limit int) (head string, cut bool) {
	limit = max(limit, 0)
	if len(s) <= limit {
		return s, false
	}
	return s[:runeCut(s, limit)], true
}

// runeCut returns the largest n ≤ limit (0 ≤ limit < len(s)) at which
// cutting s splits no valid UTF-8 character. Invalid bytes count as
// characters of their own, so it backs off at most utf8.UTFMax-1 bytes.
func runeCut(s string, limit int) int {
	for n := limit; n >= 0 && n > limit-utf8.UTFMax; n-- {
		if utf8.RuneStart(s[n]) {
			if _, size := utf8.DecodeRuneInString(s[n:]); n+size > limit {
				return n
			}
			return limit
		}
	}
	return limit
}
