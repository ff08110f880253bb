package s3client_test

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

// plantedSecret is the secret key of every URL FuzzParseURL builds with
// userinfo; no error may show it, nor its first half.
const plantedSecret = "Pl4ntedS3cretKey"

// FuzzParseURL checks ParseURL on prefix+access+":"+plantedSecret+"@"+rest
// (or prefix+access+rest when withUserinfo is false): it never panics, an
// error is one line of at most 1000 bytes without the secret key, and a
// parsed location has a host without control characters, white space, '@'
// or '/' and with a port in range, a bucket, and (unless
// a '/' put it in the key) the planted secret as its secret key, which
// String does not show. Seeds: the URLs of url_test.go,
// split. Run one for longer with
// go test -run '^$' -fuzz '^FuzzParseURL$' -fuzztime 1m -parallel 1 .
func FuzzParseURL(f *testing.F) {
	for _, seed := range []struct {
		prefix, access, rest string
		withUserinfo         bool
	}{
		{"s3://", "", "s3.amazonaws.com/bucket/dir/file.tgz", false},
		{"s3://", "", "127.0.0.1:9000/bucket/key", false},
		{"s3://", "", "[::1]:9000/bucket/key", false},
		{"S3://", "", "host/bucket/key", false},
		{"s3://", "", "host/bucket/", false},
		{"s3://", "", "host/bucket/a%20b%23c", false},
		{"s3://", "", "host/bucket/what?#now", false},
		{"https://", "", "host/bucket/key", false},
		{"s3://", "", "/bucket/key", false},
		{"s3://", "", "host/bucket", false},
		{"s3://", "", "host//key", false},
		{"s3://", "", "host:http/bucket/key", false},
		{"s3://", "", "host:/bucket/key", false},
		{"s3://", "", "host:70000/bucket/key", false},
		{"s3://", "", "host/bucket/%zz", false},
		{"s3://", "AKID@", "host/bucket/key", false},
		{"s3://", "AKID", "host/bucket/key", true},
		{"s3://", "AKID", "host:bad/bucket/key", true},
		{"s3://", "AKID", "[::1]:0/bucket/key", true},
		{"s3://", "AKID:top/", "host/bucket/key", true},
		{"s3://", "AK%zz", "host/bucket/dir/key", true},
		{"s3://", "AKID", "ho st/bucket/key", true},
		{"s3://", "AKID", "host:65535/bucket/%2", true},
	} {
		f.Add(seed.prefix, seed.access, seed.rest, seed.withUserinfo)
	}
	f.Fuzz(func(t *testing.T, prefix, access, rest string, withUserinfo bool) {
		raw := prefix + access + rest
		if withUserinfo {
			raw = prefix + access + ":" + plantedSecret + "@" + rest
		}
		loc, err := s3client.ParseURL(raw)
		if err != nil {
			msg := err.Error()
			if strings.ContainsAny(msg, "\n\r\u2028\u2029") {
				t.Fatalf("error spans lines: %q", msg)
			}
			if len(msg) > 1000 {
				t.Fatalf("error of %d bytes: %.300q", len(msg), msg)
			}
			if withUserinfo && strings.Contains(msg, plantedSecret[:len(plantedSecret)/2]) {
				t.Fatalf("error of %q shows the secret key: %q", raw, msg)
			}
			return
		}
		if loc.Host == "" || loc.Bucket == "" || strings.Contains(loc.Bucket, "/") || strings.ContainsFunc(loc.Host, unicode.IsControl) || strings.ContainsAny(loc.Host, " @/") {
			t.Fatalf("ParseURL(%q) accepted %+v", raw, loc)
		}
		if host, port, err := net.SplitHostPort(loc.Host); err == nil {
			if n, err := strconv.Atoi(port); host == "" || err != nil || n < 1 || n > 65535 {
				t.Fatalf("ParseURL(%q) accepted host %q", raw, loc.Host)
			}
		}
		// A '/' before the secret moves it out of the authority, into the key.
		inAuthority := withUserinfo && !strings.Contains((prefix + access)[len("s3://"):], "/")
		if inAuthority && !strings.Contains(loc.SecretKey, plantedSecret) {
			t.Fatalf("ParseURL(%q) lost the secret key: %+v", raw, loc)
		}
		if inAuthority && strings.Contains(loc.String(), plantedSecret[:len(plantedSecret)/2]) {
			t.Fatalf("String shows the secret key: %q", loc.String())
		}
	})
}
