package redact

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzURL checks what URL promises of any URL that parses: what it prints
// parses again, with no password, [redacted] as the value of every query
// parameter named like a credential, and no fragment. Run it for longer with
// go test -run '^$' -fuzz '^FuzzURL$' -fuzztime 1m -parallel 1 .
func FuzzURL(f *testing.F) {
	f.Add("https://ci:hunter22@host/b.tgz")
	f.Add("https://b.s3.amazonaws.com/k?X-Amz-Credential=AKID%2F1&X-Amz-Signature=abc")
	f.Add("https://h/k?a=1;sig=abc;b=2&token=t&#access_token=x")
	f.Add("s3://AKID:s3cret@127.0.0.1:9000/bucket/key?versionId=1&api%5Fkey=k")
	f.Add("http://h/k?x=http://u:p@other/&Password")
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		shown := URL(u)
		again, err := url.Parse(shown)
		if err != nil {
			// Nothing to check it by: String hid a userinfo inside it
			// in a way that url.Parse refuses.
			return
		}
		if _, has := again.User.Password(); has {
			t.Fatalf("URL(%q) = %q, which has a password", raw, shown)
		}
		if again.Fragment != "" {
			t.Fatalf("URL(%q) = %q, which has a fragment", raw, shown)
		}
		for param := range params(again.RawQuery) {
			if name, secret := secretParam(param); secret && strings.TrimPrefix(param, name+"=") != redacted {
				t.Fatalf("URL(%q) = %q, which shows parameter %q", raw, shown, name)
			}
		}
	})
}
