package redact_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

var _ = Describe("String", func() {
	It("removes every line of a multi-line secret", func() {
		key := "-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\n-----END KEY-----"
		Expect(redact.String("got AAAABBBBCCCCDDDD in a log", key)).To(Equal("got [redacted] in a log"))
	})

	It("removes a multi-line secret whole, and its CRLF lines", func() {
		key := "-----BEGIN KEY-----\r\nAAAABBBBCCCCDDDD\r\n-----END KEY-----\r\n"
		Expect(redact.String("key:\n"+key+"end", key)).To(Equal("key:\n[redacted]\r\nend"))
		Expect(redact.String("line AAAABBBBCCCCDDDD,", key)).To(Equal("line [redacted],"))
	})

	It("leaves lines shorter than 8 bytes of a multi-line secret, and applies boundaries to the others", func() {
		key := "-----BEGIN KEY-----\nabc\nAAAABBBBCCCCDDDD\n-----END KEY-----"
		Expect(redact.String("abc xAAAABBBBCCCCDDDD", key)).To(Equal("abc xAAAABBBBCCCCDDDD"))
	})

	It("ignores empty secrets", func() {
		Expect(redact.String("nothing to hide", "", "  ")).To(Equal("nothing to hide"))
	})

	It("trims white space around a secret, as a value read from a file has", func() {
		Expect(redact.String("password hunter22 rejected", "hunter22\n")).To(Equal("password [redacted] rejected"))
	})

	It("does not search for secrets shorter than MinSecretLength", func() {
		short := strings.Repeat("a", redact.MinSecretLength-1)
		line := "a cat sat on " + short + " mat"
		Expect(redact.String(line, "a", short)).To(Equal(line))
	})

	It("searches for a secret of exactly MinSecretLength bytes", func() {
		secret := strings.Repeat("k", redact.MinSecretLength)
		Expect(redact.String("key "+secret+" and "+secret+"s", secret)).To(Equal("key [redacted] and " + secret + "s"))
	})

	DescribeTable("replaces a secret only where it stands as a whole token",
		func(line, want string) {
			Expect(redact.String(line, "s3cret")).To(Equal(want))
		},
		Entry("after '=' and before ','", "key=s3cret,next", "key=[redacted],next"),
		Entry("in quotes", `password "s3cret"`, `password "[redacted]"`),
		Entry("before '@'", "s3cret@host", "[redacted]@host"),
		Entry("between ':' and '@'", "https://bob:s3cret@host", "https://[redacted]@host"),
		Entry("at the end of a sentence", "denied for s3cret.", "denied for [redacted]."),
		Entry("as a path segment", "GET https://hooks.example.com/s3cret/x", "GET https://hooks.example.com/[redacted]/x"),
		Entry("before base64 padding", "s3cret==", "[redacted]=="),
		Entry("before a non-ASCII character", "value s3cret… cut", "value [redacted]… cut"),
		Entry("as the whole text", "s3cret", "[redacted]"),
		Entry("every time", "s3cret s3cret", "[redacted] [redacted]"),
		Entry("not inside a longer word", "mys3cretvalue", "mys3cretvalue"),
		Entry("not after a digit", "1s3cret", "1s3cret"),
		Entry("not joined by '_'", "s3cret_2", "s3cret_2"),
		Entry("not joined by '-'", "my-s3cret", "my-s3cret"),
		Entry("not joined by '+'", "s3cret+x", "s3cret+x"),
		Entry("only where it stands alone", "mys3cret s3cret", "mys3cret [redacted]"),
	)

	It("treats an edge of a secret that is no word byte itself as a boundary", func() {
		Expect(redact.String("xpa$$ pa$$x", "pa$$")).To(Equal("xpa$$ [redacted]x"))
	})

	It("does not match its own replacement, and joins overlapping secrets", func() {
		Expect(redact.String("hunter22", "hunter22", "redacted")).To(Equal("[redacted]"))
		Expect(redact.String("got abcd efgh ijkl.", "abcd efgh", "efgh ijkl")).To(Equal("got [redacted]."))
	})

	DescribeTable("hides the userinfo of a URL unless it is an ssh user name alone",
		func(line, want string) {
			Expect(redact.String(line)).To(Equal(want))
		},
		Entry("a token as the user", "clone https://TOKEN@github.com/o/r", "clone https://[redacted]@github.com/o/r"),
		Entry("a token as the password", "https://x-access-token:TOKEN@github.com/o/r", "https://[redacted]@github.com/o/r"),
		Entry("an s3 key pair", "s3://AKIA:wJalr@host/b", "s3://[redacted]@host/b"),
		Entry("a password holding '@'", "https://bob:p@ss@host/x", "https://[redacted]@host/x"),
		Entry("two URLs", "https://a@h1/x,https://b@h2/y", "https://[redacted]@h1/x,https://[redacted]@h2/y"),
		Entry("a git+ssh user", "git+ssh://git@host/x.git", "git+ssh://git@host/x.git"),
		Entry("an ssh user and port", "ssh://git@host:2222/x", "ssh://git@host:2222/x"),
		Entry("an sftp user", "sftp://deploy@host/x", "sftp://deploy@host/x"),
		Entry("an ssh scheme in capitals", "GIT+SSH://git@host/x", "GIT+SSH://git@host/x"),
		Entry("an ssh user with a password", "git+ssh://git:pw@host/x.git", "git+ssh://[redacted]@host/x.git"),
		Entry("git's scp-like form", "git@github.com:org/repo.git", "git@github.com:org/repo.git"),
		Entry("an e-mail address", "mail bob@example.org", "mail bob@example.org"),
		Entry("no userinfo", "https://example.com/a@b", "https://example.com/a@b"),
	)
})

var _ = Describe("UnparsedURL", func() {
	DescribeTable("hides the userinfo of a URL that did not parse",
		func(raw, want string) {
			Expect(redact.UnparsedURL(raw)).To(Equal(want))
		},
		Entry("a plain password", "git+https://ci:s3cret@host:bad/x.git", "git+https://[redacted]@host:bad/x.git"),
		Entry("a password with an unencoded '/'", "https://ci:top/s3cret@host:bad/index.xml", "https://[redacted]@host:bad/index.xml"),
		Entry("a token as the user", "https://TOKEN@host:bad/x", "https://[redacted]@host:bad/x"),
		Entry("no userinfo", "ftp://host/index.xml", "ftp://host/index.xml"),
		Entry("a URL without its scheme", "ci:s3cret@host/x.git", "[redacted]@host/x.git"),
		Entry("a token without a scheme", "TOKEN@host/x.git", "[redacted]@host/x.git"),
		Entry("an ssh user", "git+ssh://git@host:bad/x.git", "git+ssh://git@host:bad/x.git"),
		Entry("an ssh user with a password", "git+ssh://ci:s3cret@host:bad/x.git", "git+ssh://[redacted]@host:bad/x.git"),
		Entry("git's scp-like form", "git@github.com:org/repo.git", "git@github.com:org/repo.git"),
		Entry("git's scp-like form with a password", "ci:s3cret@github.com:org/x.git", "[redacted]@github.com:org/x.git"),
	)
})

var _ = Describe("Excerpt", func() {
	DescribeTable("cuts a long value on a character boundary",
		func(s string, max int, want string) {
			Expect(redact.Excerpt(s, max)).To(Equal(want))
		},
		Entry("shorter than max", "abc", 5, "abc"),
		Entry("exactly max", "abcde", 5, "abcde"),
		Entry("longer than max", "abcdef", 3, "abc…"),
		Entry("max 0", "abc", 0, "…"),
		Entry("a negative max", "abc", -1, "…"),
		Entry("the empty string", "", 0, ""),
		Entry("a 2-byte character across the cut", "hé!", 2, "h…"),
		Entry("a 2-byte character ending at the cut", "hé!", 3, "hé…"),
		Entry("a 3-byte character across the cut", "a€b", 3, "a…"),
		Entry("a 4-byte character across the cut, at the start", "😀x", 3, "…"),
		Entry("a 4-byte character across the cut", "ab😀x", 5, "ab…"),
		Entry("invalid bytes", "\xff\xfe\xfd\xfc", 2, "\xff\xfe…"),
		Entry("stray continuation bytes", "\x80\x80\x80\x80\x80", 3, "\x80\x80\x80…"),
		Entry("a truncated character before a valid one", "a\xe2\x82é", 3, "a\xe2\x82…"),
		Entry("an overlong encoding across the cut", "a\xc0\x80b", 2, "a\xc0…"),
	)

	It("never splits a character nor exceeds max, wherever it cuts", func() {
		s := "aé€😀b" + strings.Repeat("ü😀", 3)
		for max := 0; max <= len(s); max++ {
			got := redact.Excerpt(s, max)
			head := strings.TrimSuffix(got, "…")
			Expect(utf8.ValidString(got)).To(BeTrue(), "max %d: %q", max, got)
			Expect(len(head)).To(BeNumerically("<=", max))
			Expect(len(head)).To(BeNumerically(">", max-utf8.UTFMax))
			Expect(s).To(HavePrefix(head))
		}
	})
})

var _ = Describe("Quote", func() {
	It("quotes a short value whole", func() {
		Expect(redact.Quote("a \"b\"\n")).To(Equal(`"a \"b\"\n"`))
	})

	It("puts the ellipsis of a long value outside the quotes", func() {
		Expect(redact.Quote(strings.Repeat("a", redact.ExcerptBytes+1))).To(Equal(`"` + strings.Repeat("a", redact.ExcerptBytes) + `"…`))
	})

	It("does not split a character at the cut", func() {
		s := strings.Repeat("a", redact.ExcerptBytes-1) + "é"
		Expect(redact.Quote(s)).To(Equal(`"` + strings.Repeat("a", redact.ExcerptBytes-1) + `"…`))
	})

	It("escapes invalid UTF-8", func() {
		Expect(redact.Quote("a\xffb")).To(Equal(`"a\xffb"`))
	})

	It("hides what an escape joins to a URL's authority as its userinfo", func() {
		Expect(redact.Quote("https://\f:hunter22@host/x")).To(Equal(`"https://[redacted]@host/x"`))
		Expect(redact.Quote("see https://\tci:hunter22@host")).To(Equal(`"see https://[redacted]@host"`))
	})

	It("leaves an ssh user name and a path with an @ as they are", func() {
		Expect(redact.Quote("ssh://git@host/a@b\n")).To(Equal(`"ssh://git@host/a@b\n"`))
	})
})

var _ = Describe("Writer", func() {
	var out bytes.Buffer

	BeforeEach(func() {
		out.Reset()
	})

	write := func(w *redact.Writer, parts ...string) {
		GinkgoHelper()
		for _, part := range parts {
			n, err := w.Write([]byte(part))
			Expect(err).NotTo(HaveOccurred())
			Expect(n).To(Equal(len(part)))
		}
	}

	It("catches a secret split across writes and flushes the last line", func() {
		w := redact.NewWriter(&out, "s3cr3t-value")
		write(w, "token s3cr", "3t-value ok\nlast ", "s3cr3t-value")
		Expect(out.String()).To(Equal("token [redacted] ok\n"))
		Expect(w.Flush()).To(Succeed())
		Expect(out.String()).To(Equal("token [redacted] ok\nlast [redacted]"))
	})

	It("catches a secret however the writes split it", func() {
		text := "key=s3cr3t-value, again \"s3cr3t-value\"\r\nmys3cr3t-value stays\n"
		for at := range len(text) + 1 {
			out.Reset()
			w := redact.NewWriter(&out, "s3cr3t-value")
			write(w, text[:at], text[at:])
			Expect(w.Flush()).To(Succeed())
			Expect(out.String()).To(Equal("key=[redacted], again \"[redacted]\"\r\n"+"mys3cr3t-value stays\n"), "split at %d", at)
		}
	})

	It("does not hold a short secret back", func() {
		w := redact.NewWriter(&out, "a")
		write(w, "a cat\n")
		Expect(out.String()).To(Equal("a cat\n"))
	})

	// Secrets and userinfo in the long lines below are exactly as long as
	// "[redacted]", so what a Writer holds back is what was written to it
	// less what came out.
	const secret, spaced = "s3cr3t-val", "s3cr3t val"
	const limit = 64<<10 + len(secret)

	// stream writes text to w in parts of size bytes, flushes, and returns
	// the most bytes w held back after any write.
	stream := func(w *redact.Writer, text string, size int) (held int) {
		GinkgoHelper()
		for at := 0; at < len(text); at += size {
			end := min(at+size, len(text))
			write(w, text[at:end])
			held = max(held, end-out.Len())
		}
		Expect(w.Flush()).To(Succeed())
		return held
	}

	DescribeTable("writes an unterminated line past 64 KiB in chunks, redacted as a whole",
		func(word string, size int) {
			text := strings.Repeat(word, 4*(64<<10)/len(word))
			held := stream(redact.NewWriter(&out, secret, spaced), text, size)
			Expect(held).To(BeNumerically("<=", limit))
			Expect(out.String()).To(Equal(redact.String(text, secret, spaced)))
			Expect(out.String()).To(ContainSubstring("[redacted]"))
			Expect(out.String()).NotTo(ContainSubstring("pw123"))
		},
		Entry("words and URLs, written in small parts", "at https://user:pw123@host/x "+secret+" x"+secret+" ", 7),
		Entry("words and URLs, written at once", "at https://user:pw123@host/x "+secret+" x"+secret+" ", 1<<20),
		Entry("a secret holding the spaces it could be cut at", spaced+" "+spaced+" ", 1000),
		Entry("values without spaces", "key="+secret+",url=https://user:pw123@host/x;"+secret+"x,", 7),
		Entry("URLs without spaces", "https://user:pw123@h/x,git+ssh://git@h/y;", 7),
	)

	It("bounds what it holds of one long word to 64 KiB", func() {
		text := strings.Repeat("0123456789abcdef", 20000)
		held := stream(redact.NewWriter(&out, secret), text, 1000)
		Expect(held).To(BeNumerically("<=", limit))
		Expect(out.String()).To(Equal(text))
	})

	It("holds a URL authority whole, however long, and does not rescan it on every write", func() {
		text := "see https://" + strings.Repeat("0123456789abcdef", 1<<16) + ":pw123@host/x"
		held := stream(redact.NewWriter(&out), text, 100)
		Expect(held).To(BeNumerically(">", 1<<20))
		Expect(out.String()).To(Equal("see https://[redacted]@host/x"))
	})

	It("holds a chain of URLs each ending the authority before", func() {
		text := strings.Repeat("https://user:pw123@h:", 10000) + "/"
		held := stream(redact.NewWriter(&out), text, 100)
		Expect(held).To(BeNumerically(">", 64<<10))
		Expect(out.String()).To(Equal(redact.String(text)))
		Expect(out.String()).NotTo(ContainSubstring("pw123"))
	})
})

var errBroken = errors.New("broken")

type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errBroken }

var _ = Describe("Writer errors", func() {
	It("returns what the underlying writer returns", func() {
		w := redact.NewWriter(brokenWriter{})
		_, err := w.Write([]byte("line\n"))
		Expect(err).To(MatchError(errBroken))
		_, err = w.Write([]byte("unterminated"))
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Flush()).To(MatchError(errBroken))
	})

	It("returns it for the start of a long line too", func() {
		w := redact.NewWriter(brokenWriter{})
		_, err := w.Write([]byte(strings.Repeat("word ", 20000)))
		Expect(err).To(MatchError(errBroken))
	})
})

// BenchmarkString measures String with 5 secrets on a 200-byte log line
// and on a 64 KiB block of such lines, which hold none of them (the usual
// case), and on a line that holds one and a URL with userinfo.
func BenchmarkString(b *testing.B) {
	secrets := []string{"hunter22", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "s3cr3t-passphrase"}
	line := fmt.Sprintf("%-199s\n", "go.tgz: GET https://dl.example.com/go/go1.21.0.linux-amd64.tar.gz from mirror 2 of 3: 206 Partial Content, 67108864 bytes at offset 134217728, 12.4 MiB/s")
	leaky := strings.Replace(strings.Replace(line, "https://", "https://ci:hunter22@", 1), "mirror", "AKIAIOSFODNN7EXAMPLE", 1)
	for _, bench := range []struct{ name, text string }{
		{"200B line", line},
		{"64KiB block", strings.Repeat(line, (64<<10)/len(line))},
		{"200B line with secrets", leaky[:200]},
	} {
		b.Run(bench.name, func(b *testing.B) {
			b.SetBytes(int64(len(bench.text)))
			for b.Loop() {
				redact.String(bench.text, secrets...)
			}
		})
	}
}

var _ = Describe("URL", func() {
	DescribeTable("hides userinfo and the query values that are credentials",
		func(raw, want string) {
			u, err := url.Parse(raw)
			Expect(err).NotTo(HaveOccurred())
			Expect(redact.URL(u)).To(Equal(want))
		},
		Entry("a plain URL", "https://host/a/b.tgz", "https://host/a/b.tgz"),
		Entry("a password", "https://ci:hunter22@host/b.tgz", "https://[redacted]@host/b.tgz"),
		Entry("an S3 presigned URL", "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F1&X-Amz-Security-Token=tok&X-Amz-Signature=abc",
			"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[redacted]&X-Amz-Security-Token=[redacted]&X-Amz-Signature=[redacted]"),
		Entry("an Azure SAS", "https://a.blob.core.windows.net/c/k?sv=2020&sig=abc%3D", "https://a.blob.core.windows.net/c/k?sv=2020&sig=[redacted]"),
		Entry("tokens and keys by any spelling", "https://h/k?access_token=a&API_KEY=b&Password=c&list-type=2", "https://h/k?access_token=[redacted]&API_KEY=[redacted]&Password=[redacted]&list-type=2"),
		Entry("a parameter without a value", "https://h/k?uploads", "https://h/k?uploads"),
		Entry("parameters ended by ';'", "https://h/k?a=1;sig=abc;b=2&token=t&", "https://h/k?a=1;sig=[redacted];b=2&token=[redacted]&"),
		Entry("a fragment, never sent", "https://h/cb#access_token=abc", "https://h/cb"),
		Entry("a password without a scheme", "//ci:hunter22@host/b.tgz", "//[redacted]@host/b.tgz"),
		Entry("an ssh user name alone", "ssh://git@host/repo.git", "ssh://git@host/repo.git"),
	)
})
