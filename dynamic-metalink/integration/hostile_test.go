package integration_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"aead.dev/minisign"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/failure"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/hostileserver"
)

// The secrets every hostile request plants, so that a case proves that none
// of them reaches stderr, whatever the request got wrong.
const (
	hostileAccessKey = "AKIAHOSTILEACCESS0001"
	hostileSecretKey = "hostile-handler-secret-0042"
	hostilePassword  = "hostile-url-password-0077" // in the userinfo of every download URL
)

var hostileSecrets = []string{hostileAccessKey, hostileSecretKey, hostilePassword}

// hostileWorld is what one hostile case may build its request from.
type hostileWorld struct {
	dir     string                // scripts' files and printed documents
	site    *hostileserver.Server // serves payload.tgz under every behaviour
	content []byte
	dest    string // in's destination; holds keep.txt before the run
	dead    string // 127.0.0.1:PORT where nothing listens
}

// host is the site's address, as it appears in a message.
func (w *hostileWorld) host() string { return strings.TrimPrefix(w.site.URL, "http://") }

// url is where behaviour serves the payload, with the planted password in
// its userinfo.
func (w *hostileWorld) url(behaviour string) string {
	return "http://user:" + hostilePassword + "@" + w.host() + "/" + behaviour + "/payload.tgz"
}

// file is a well-formed metalink file for the payload served by behaviour.
func (w *hostileWorld) file(behaviour string) metalink.File {
	return metalink.File{
		Name: "payload.tgz", Size: uint64(len(w.content)), Hashes: hashes(w.content),
		URLs: []metalink.URL{{URL: w.url(behaviour)}},
	}
}

// keepSHA512 drops f's sha-256, so that a message naming the hash checked
// does not depend on which of the two this CPU verifies faster.
func keepSHA512(f *metalink.File) {
	f.Hashes = slices.DeleteFunc(f.Hashes, func(h metalink.Hash) bool { return h.Type != "sha-512" })
}

// printing is a metalink_get that prints a JSON document of files.
func (w *hostileWorld) printing(files ...metalink.File) string {
	return catScript(w.dir, metalink.Metalink{Files: files})
}

// printingText is a metalink_get that prints text exactly.
func (w *hostileWorld) printingText(text string) string {
	return fmt.Sprintf("cat '%s'", writeScriptFile(w.dir, "*.out", []byte(text)))
}

// source is a valid source that plants every secret, changed by extra (a nil
// value deletes the key).
func (w *hostileWorld) source(extra map[string]any) map[string]any {
	src := map[string]any{
		"version_check": "echo 'version_check uses " + hostileSecretKey + "' >&2; echo 1.0.0",
		"metalink_get":  "echo 'metalink_get uses " + hostileSecretKey + "' >&2; " + w.printing(w.file("ok")),
		"url_handlers": []any{map[string]any{"type": "s3", "options": map[string]any{
			"access_key": hostileAccessKey, "secret_key": hostileSecretKey,
		}}},
	}
	for k, v := range extra {
		if v == nil {
			delete(src, k)
			continue
		}
		src[k] = v
	}
	return src
}

func (w *hostileWorld) check(extra map[string]any) map[string]any {
	return map[string]any{"source": w.source(extra)}
}

func (w *hostileWorld) in(extra map[string]any, params any) map[string]any {
	req := map[string]any{"source": w.source(extra), "version": map[string]any{"version": "1.0.0"}}
	if params != nil {
		req["params"] = params
	}
	return req
}

// getting is an in request whose metalink_get prints files.
func (w *hostileWorld) getting(files ...metalink.File) map[string]any {
	return w.in(map[string]any{"metalink_get": w.printing(files...)}, nil)
}

// spoiled is an in request for the payload served by behaviour, changed by spoil.
func (w *hostileWorld) spoiled(behaviour string, spoil func(*metalink.File)) map[string]any {
	f := w.file(behaviour)
	spoil(&f)
	return w.getting(f)
}

// printed is an in request whose metalink_get prints text.
func (w *hostileWorld) printed(text string) map[string]any {
	return w.in(map[string]any{"metalink_get": w.printingText(text)}, nil)
}

// withKey sets key in the request's map at path (a list of keys from the
// top), creating maps on the way.
func withKey(req map[string]any, value any, path ...string) map[string]any {
	m := req
	for _, key := range path[:len(path)-1] {
		next, ok := m[key].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[key] = next
		}
		m = next
	}
	m[path[len(path)-1]] = value
	return req
}

// hostile is one case of the corpus: a request that must fail.
type hostile struct {
	command string                         // "check", "in" or "out"
	request func(w *hostileWorld) any      // a string is sent as it is
	args    func(w *hostileWorld) []string // nil: none for check, the destination for in and out
	// want is the exact fatal line; {host}, {dead}, {dir} and {dest} stand for the
	// site's address, the dead address, the scripts' directory and the
	// destination, and {port} for a port the system picks (a client's).
	want string
}

func raw(text string) func(*hostileWorld) any { return func(*hostileWorld) any { return text } }

func checking(extra map[string]any) func(*hostileWorld) any {
	return func(w *hostileWorld) any { return w.check(extra) }
}

func getting(extra map[string]any, params any) func(*hostileWorld) any {
	return func(w *hostileWorld) any { return w.in(extra, params) }
}

// A version_check line of 20 MB, and what a message may quote of it.
var (
	hugeLine   = "head -c 20000000 /dev/zero | tr '\\0' a"
	hugeQuoted = `"` + strings.Repeat("a", 200) + `"…`
)

var hostileCases = []TableEntry{
	// The request as a whole.
	Entry("check: a list", hostile{command: "check", request: raw(`["source"]`), want: `check: the request must be a JSON object with "source" (got a list)`}),
	Entry("check: a string", hostile{command: "check", request: raw(`"source"`), want: `check: the request must be a JSON object with "source" (got a string)`}),
	Entry("check: a number", hostile{command: "check", request: raw(`42`), want: `check: the request must be a JSON object with "source" (got a number)`}),
	Entry("check: a boolean", hostile{command: "check", request: raw(`true`), want: `check: the request must be a JSON object with "source" (got a boolean)`}),
	Entry("check: null, which sets nothing", hostile{command: "check", request: raw(`null`),
		want: `check: source.version_check is required: a script that prints one version per line`}),
	Entry("check: only white space", hostile{command: "check", request: raw(" \n\t "), want: `check: empty request: expected a JSON object on stdin`}),
	Entry("check: lists nested 100 deep", hostile{command: "check", request: raw(strings.Repeat("[", 100) + strings.Repeat("]", 100)),
		want: `check: ` + strings.Repeat("[0]", 64) + `: nested too deeply`}),
	Entry("in: maps nested 100 deep inside source", hostile{command: "in",
		request: raw(`{"source":` + strings.Repeat(`{"a":`, 100) + `1` + strings.Repeat("}", 101)),
		want:    `in: source` + strings.Repeat(".a", 63) + `: nested too deeply`}),
	Entry("check: a 17 MiB request", hostile{command: "check",
		request: raw(`{"source":{"version_check":"` + strings.Repeat("echo 1.0.0;", 17<<20/11) + `"}}`),
		want:    `check: request larger than 16 MiB`}),
	Entry("check: garbage after the request", hostile{command: "check", request: raw(`{"source":{}} {"source":{}}`),
		want: `check: unexpected data after the JSON value`}),
	Entry("in: a request cut short", hostile{command: "in", request: raw(`{"source":{"version_check":"echo 1","metalink_get":`),
		want: `in: source.metalink_get: malformed JSON at byte 51: unexpected end of JSON input`}),
	Entry("check: a byte-order mark before the request", hostile{command: "check", request: raw("\xEF\xBB\xBF{\"source\":{}}"),
		want: `check: malformed JSON at byte 1: invalid character 'ï' looking for beginning of value`}),
	Entry("check: single quotes", hostile{command: "check", request: raw(`{'source':{}}`),
		want: `check: malformed JSON at byte 2: invalid character '\'' looking for beginning of object key string`}),
	Entry("check: a comment", hostile{command: "check", request: raw("{\"source\":{} // the source\n}"),
		want: `check: malformed JSON at byte 14: invalid character '/' after object key:value pair`}),
	Entry("check: NaN", hostile{command: "check", request: raw(`{"source":{"version_check":NaN}}`),
		want: `check: source.version_check: malformed JSON at byte 28: invalid character 'N' looking for beginning of value`}),
	Entry("check: a trailing comma", hostile{command: "check", request: raw(`{"source":{"version_check":"echo 1",}}`),
		want: `check: source: malformed JSON at byte 37: invalid character '}' looking for beginning of object key string`}),

	// Keys: unknown, written twice, in another case, at every level.
	Entry("check: an unknown top-level key", hostile{command: "check", request: func(w *hostileWorld) any {
		return withKey(w.check(nil), map[string]any{}, "sauce")
	}, want: `check: unknown key "sauce"`}),
	Entry("check: a top-level key in another case", hostile{command: "check", request: raw(`{"Source":{}}`),
		want: `check: unknown key "Source" (did you mean "source"?)`}),
	Entry("check: source twice", hostile{command: "check", request: raw(`{"source":{},"source":{}}`), want: `check: duplicate key "source"`}),
	Entry("check: params, which check does not take", hostile{command: "check", request: func(w *hostileWorld) any {
		return withKey(w.check(nil), map[string]any{}, "params")
	}, want: `check: unknown key "params"`}),
	Entry("check: an unknown source key", hostile{command: "check", request: checking(map[string]any{"version_chek": "echo 1"}),
		want: `check: unknown key "source.version_chek"`}),
	Entry("check: a source key in another case", hostile{command: "check", request: checking(map[string]any{"Version_Check": "echo 1"}),
		want: `check: unknown key "source.Version_Check" (did you mean "version_check"?)`}),
	Entry("check: a source key of the other resource", hostile{command: "check", request: checking(map[string]any{"uri": "file:///tmp"}),
		want: `check: unknown key "source.uri"`}),
	Entry("check: a source key twice", hostile{command: "check",
		request: raw(`{"source":{"version_check":"echo 1","version_check":"echo 2","metalink_get":"true"}}`),
		want:    `check: duplicate key "source.version_check"`}),
	Entry("in: an unknown version key", hostile{command: "in", request: func(w *hostileWorld) any {
		return withKey(w.in(nil, nil), "abc123", "version", "ref")
	}, want: `in: unknown key "version.ref"`}),
	Entry("check: a version key in another case", hostile{command: "check", request: func(w *hostileWorld) any {
		return withKey(w.check(nil), map[string]any{"Version": "1.0.0"}, "version")
	}, want: `check: unknown key "version.Version" (did you mean "version"?)`}),
	Entry("in: a version key twice", hostile{command: "in",
		request: raw(`{"source":{"version_check":"true","metalink_get":"true"},"version":{"version":"1.0.0","version":"1.0.1"}}`),
		want:    `in: duplicate key "version.version"`}),
	Entry("in: an unknown params key", hostile{command: "in", request: getting(nil, map[string]any{"exclude_files": []string{"*"}}),
		want: `in: unknown key "params.exclude_files"`}),
	Entry("in: a params key in another case", hostile{command: "in", request: getting(nil, map[string]any{"Skip_Download": true}),
		want: `in: unknown key "params.Skip_Download" (did you mean "skip_download"?)`}),
	Entry("in: a params key twice", hostile{command: "in",
		request: raw(`{"source":{"version_check":"true","metalink_get":"true"},"version":{"version":"1"},"params":{"skip_download":true,"skip_download":false}}`),
		want:    `in: duplicate key "params.skip_download"`}),
	Entry("check: an unknown url_handlers key", hostile{command: "check", request: checking(map[string]any{
		"url_handlers": []any{map[string]any{"type": "s3", "regex": "x"}}}),
		want: `check: unknown key "source.url_handlers[0].regex"`}),
	Entry("check: a url_handlers key in another case", hostile{command: "check", request: checking(map[string]any{
		"url_handlers": []any{map[string]any{"Type": "s3"}}}),
		want: `check: unknown key "source.url_handlers[0].Type" (did you mean "type"?)`}),
	Entry("check: a url_handlers key twice", hostile{command: "check",
		request: raw(`{"source":{"version_check":"true","metalink_get":"true","url_handlers":[{"type":"s3","type":"s3"}]}}`),
		want:    `check: duplicate key "source.url_handlers[0].type"`}),
	Entry("check: an unknown options key", hostile{command: "check", request: checking(map[string]any{
		"url_handlers": []any{map[string]any{"type": "s3", "options": map[string]any{"access_key": hostileAccessKey, "secret_key": hostileSecretKey, "colour": "blue"}}}}),
		want: `check: unknown key "source.url_handlers[0].options.colour"`}),
	Entry("check: an options key in another case", hostile{command: "check", request: checking(map[string]any{
		"url_handlers": []any{map[string]any{"type": "s3", "options": map[string]any{"access_key": hostileAccessKey, "Secret_Key": hostileSecretKey}}}}),
		want: `check: unknown key "source.url_handlers[0].options.Secret_Key" (did you mean "secret_key"?)`}),
	Entry("check: an options key twice, both secret", hostile{command: "check",
		request: raw(`{"source":{"version_check":"true","metalink_get":"true","url_handlers":[{"type":"s3","options":{"secret_key":"` + hostileSecretKey + `","secret_key":"` + hostileSecretKey + `"}}]}}`),
		want:    `check: duplicate key "source.url_handlers[0].options.secret_key"`}),
	Entry("check: an options key of the git backend", hostile{command: "check", request: checking(map[string]any{
		"url_handlers": []any{map[string]any{"type": "s3", "options": map[string]any{"password": hostileSecretKey}}}}),
		want: `check: unknown key "source.url_handlers[0].options.password"`}),
	Entry("check: a key with a dot and a newline", hostile{command: "check", request: checking(map[string]any{"a.b\nc": 1}),
		want: `check: unknown key "source["a.b\nc"]"`}),
	Entry("check: a key of 10,000 bytes", hostile{command: "check", request: checking(map[string]any{strings.Repeat("k", 10000): 1}),
		want: `check: unknown key "source.` + strings.Repeat("k", 100) + `…"`}),
	Entry("out: an unknown key, before the refusal", hostile{command: "out", request: raw(`{"source":{},"params":{},"colour":1}`),
		want: `out: unknown key "colour"`}),
	Entry("out: an unknown source key", hostile{command: "out", request: raw(`{"source":{"uri":"file:///tmp"},"params":{}}`),
		want: `out: unknown key "source.uri"`}),

	// Types and null in every typed key.
	Entry("check: source is a list", hostile{command: "check", request: raw(`{"source":[]}`), want: `check: source: expected a map, got a list`}),
	Entry("check: version_check is a number", hostile{command: "check", request: checking(map[string]any{"version_check": 5}),
		want: `check: source.version_check: expected a string, got a number`}),
	Entry("check: version_check is null", hostile{command: "check", request: raw(`{"source":{"version_check":null,"metalink_get":"true"}}`),
		want: `check: source.version_check: expected a string, got null`}),
	Entry("check: metalink_get is a list of lines", hostile{command: "check", request: checking(map[string]any{"metalink_get": []string{"echo", "x"}}),
		want: `check: source.metalink_get: expected a string, got a list`}),
	Entry("check: version is a number YAML made", hostile{command: "check", request: checking(map[string]any{"version": 1.1}),
		want: `check: source.version: expected a string, got a number`}),
	Entry("check: script_timeout is a number", hostile{command: "check", request: checking(map[string]any{"script_timeout": 90}),
		want: `check: source.script_timeout: expected a string, got a number`}),
	Entry("check: include_files is a string", hostile{command: "check", request: checking(map[string]any{"include_files": "*.tgz"}),
		want: `check: source.include_files: expected a list, got a string`}),
	Entry("check: an include_files entry is null", hostile{command: "check", request: checking(map[string]any{"include_files": []any{"*.tgz", nil}}),
		want: `check: source.include_files[1]: expected a string, got null`}),
	Entry("check: an exclude_files entry is a number", hostile{command: "check", request: checking(map[string]any{"exclude_files": []any{7}}),
		want: `check: source.exclude_files[0]: expected a string, got a number`}),
	Entry("check: signature_trust_store is a boolean", hostile{command: "check", request: checking(map[string]any{"signature_trust_store": true}),
		want: `check: source.signature_trust_store: expected a string, got a boolean`}),
	Entry("check: skip_hash_verification is yes", hostile{command: "check", request: checking(map[string]any{"skip_hash_verification": "yes"}),
		want: `check: source.skip_hash_verification: expected true or false, got a string`}),
	Entry("check: skip_signature_verification is null", hostile{command: "check",
		request: raw(`{"source":{"version_check":"true","metalink_get":"true","skip_signature_verification":null}}`),
		want:    `check: source.skip_signature_verification: expected true or false, got null`}),
	Entry("check: url_handlers is a map", hostile{command: "check", request: checking(map[string]any{"url_handlers": map[string]any{"type": "s3"}}),
		want: `check: source.url_handlers: expected a list, got a map`}),
	Entry("check: a url_handlers entry is a string", hostile{command: "check", request: checking(map[string]any{"url_handlers": []any{"s3"}}),
		want: `check: source.url_handlers[0]: expected a map, got a string`}),
	Entry("check: a url_handlers type is null", hostile{command: "check", request: checking(map[string]any{"url_handlers": []any{map[string]any{"type": nil}}}),
		want: `check: source.url_handlers[0].type: expected a string, got null`}),
	Entry("check: url_handlers include is a string", hostile{command: "check", request: checking(map[string]any{"url_handlers": []any{map[string]any{"type": "s3", "include": "^s3://"}}}),
		want: `check: source.url_handlers[0].include: expected a list, got a string`}),
	Entry("check: a url_handlers exclude entry is null", hostile{command: "check", request: checking(map[string]any{"url_handlers": []any{map[string]any{"type": "s3", "exclude": []any{nil}}}}),
		want: `check: source.url_handlers[0].exclude[0]: expected a string, got null`}),
	Entry("check: url_handlers options is a list", hostile{command: "check", request: checking(map[string]any{"url_handlers": []any{map[string]any{"type": "s3", "options": []any{}}}}),
		want: `check: source.url_handlers[0].options: expected a map, got a list`}),
	Entry("check: a secret option is a number", hostile{command: "check", request: checking(map[string]any{"url_handlers": []any{map[string]any{"type": "s3", "options": map[string]any{"access_key": hostileAccessKey, "secret_key": 42}}}}),
		want: `check: source.url_handlers[0].options.secret_key: expected a string, got a number`}),
	Entry("check: disable_ssl is maybe", hostile{command: "check", request: checking(map[string]any{"url_handlers": []any{map[string]any{"type": "s3", "options": map[string]any{"disable_ssl": "maybe"}}}}),
		want: `check: source.url_handlers[0].options.disable_ssl: expected true or false`}),
	Entry("check: region is a number", hostile{command: "check", request: checking(map[string]any{"url_handlers": []any{map[string]any{"type": "s3", "options": map[string]any{"region": 1}}}}),
		want: `check: source.url_handlers[0].options.region: expected a string, got a number`}),
	Entry("in: params is a string", hostile{command: "in", request: getting(nil, "skip_download"), want: `in: params: expected a map, got a string`}),
	Entry("in: skip_download is the string true", hostile{command: "in", request: getting(nil, map[string]any{"skip_download": "true"}),
		want: `in: params.skip_download: expected true or false, got a string`}),
	Entry("in: params.include_files is a map", hostile{command: "in", request: getting(nil, map[string]any{"include_files": map[string]any{"a": 1}}),
		want: `in: params.include_files: expected a list, got a map`}),
	Entry("in: a params.include_files entry is null", hostile{command: "in", request: getting(nil, map[string]any{"include_files": []any{nil}}),
		want: `in: params.include_files[0]: expected a string, got null`}),

	// Versions.
	Entry("in: no version", hostile{command: "in", request: func(w *hostileWorld) any { return map[string]any{"source": w.source(nil)} },
		want: `in: version.version is required`}),
	Entry("in: version null", hostile{command: "in", request: func(w *hostileWorld) any { return withKey(w.in(nil, nil), nil, "version") },
		want: `in: version.version is required`}),
	Entry("in: an empty version", hostile{command: "in", request: func(w *hostileWorld) any { return withKey(w.in(nil, nil), "", "version", "version") },
		want: `in: version.version is required`}),
	Entry("check: a version that is a number", hostile{command: "check", request: func(w *hostileWorld) any {
		return withKey(w.check(nil), 7, "version", "version")
	}, want: `check: version.version: expected a string, got a number`}),
	Entry("in: a version object inside the version", hostile{command: "in", request: func(w *hostileWorld) any {
		return withKey(w.in(nil, nil), map[string]any{"version": "1.0.0"}, "version", "version")
	}, want: `in: version.version: expected a string, got a map`}),
	Entry("check: the version as a bare string", hostile{command: "check", request: func(w *hostileWorld) any {
		return withKey(w.check(nil), "1.0.0", "version")
	}, want: `check: version: expected a map, got a string`}),
	Entry("check: a current version that is no version", hostile{command: "check", request: func(w *hostileWorld) any {
		return withKey(w.check(nil), "not-a-version", "version", "version")
	}, want: `check: current version: invalid version "not-a-version": invalid semantic version`}),
	Entry("in: a version source.version does not allow", hostile{command: "in", request: getting(map[string]any{"version": "2.x"}, nil),
		want: `in: version "1.0.0" is not allowed by source.version "2.x"`}),
	Entry("in: a version that cannot be checked against source.version", hostile{command: "in", request: func(w *hostileWorld) any {
		return withKey(w.in(map[string]any{"version": "1.x"}, nil), "latest", "version", "version")
	}, want: `in: version "latest" cannot be checked against source.version "1.x": invalid version "latest": invalid semantic version`}),
	Entry("check: a constraint that is no constraint", hostile{command: "check", request: checking(map[string]any{"version": ">= one.two"}),
		want: `check: source.version: invalid version constraint ">= one.two": improper constraint: ">= one.two"`}),
	Entry("check: a script_timeout that is no duration", hostile{command: "check", request: checking(map[string]any{"script_timeout": "15 minutes"}),
		want: `check: source.script_timeout: "15 minutes" is not a positive duration such as 90s or 15m`}),
	Entry("check: a script_timeout of zero", hostile{command: "check", request: checking(map[string]any{"script_timeout": "0s"}),
		want: `check: source.script_timeout: "0s" is not a positive duration such as 90s or 15m`}),
	Entry("check: an empty version_check", hostile{command: "check", request: checking(map[string]any{"version_check": ""}),
		want: `check: source.version_check is required: a script that prints one version per line`}),
	Entry("in: no metalink_get", hostile{command: "in", request: getting(map[string]any{"metalink_get": nil}, nil),
		want: `in: source.metalink_get is required: a script that prints the metalink of $version`}),

	// Regexes, globs and the trust store.
	Entry("check: an include regex that does not compile", hostile{command: "check", request: checking(map[string]any{
		"url_handlers": []any{map[string]any{"type": "s3", "include": []string{"^s3://(unclosed"}}}}),
		want: "check: source.url_handlers[0].include[0]: bad regex: error parsing regexp: missing closing ): `^s3://(unclosed`"}),
	Entry("check: an exclude regex with a nested repetition", hostile{command: "check", request: checking(map[string]any{
		"url_handlers": []any{map[string]any{"type": "s3", "exclude": []string{"ok", "a**"}}}}),
		want: "check: source.url_handlers[0].exclude[1]: bad regex: error parsing regexp: invalid nested repetition operator: `**`"}),
	Entry("check: a regex repeating over 1000 times", hostile{command: "check", request: checking(map[string]any{
		"url_handlers": []any{map[string]any{"type": "s3", "include": []string{"a{1001}"}}}}),
		want: "check: source.url_handlers[0].include[0]: bad regex: error parsing regexp: invalid repeat count: `{1001}`"}),
	Entry("check: a Perl look-ahead RE2 does not have", hostile{command: "check", request: checking(map[string]any{
		"url_handlers": []any{map[string]any{"type": "s3", "include": []string{"^s3://(?!private)"}}}}),
		want: "check: source.url_handlers[0].include[0]: bad regex: error parsing regexp: invalid or unsupported Perl syntax: `(?!`"}),
	Entry("check: a url_handlers type that does not exist", hostile{command: "check", request: checking(map[string]any{
		"url_handlers": []any{map[string]any{"type": "gcs"}}}),
		want: `check: source.url_handlers[0].type: unknown type "gcs" (expected s3)`}),
	Entry("check: a secret key without an access key", hostile{command: "check", request: checking(map[string]any{
		"url_handlers": []any{map[string]any{"type": "s3", "options": map[string]any{"secret_key": hostileSecretKey}}}}),
		want: `check: source.url_handlers[0].options: secret_key is set but access_key is not`}),
	Entry("check: an include glob that is malformed", hostile{command: "check", request: checking(map[string]any{"include_files": []string{"payload[.tgz"}}),
		want: `check: source.include_files[0]: bad pattern "payload[.tgz": syntax error in pattern`}),
	Entry("check: an exclude glob ending in a backslash", hostile{command: "check", request: checking(map[string]any{"exclude_files": []string{"ok", `payload\`}}),
		want: `check: source.exclude_files[1]: bad pattern "payload\\": syntax error in pattern`}),
	Entry("in: a params glob that is malformed", hostile{command: "in", request: getting(nil, map[string]any{"include_files": []string{"*", "[a-"}}),
		want: `in: params.include_files[1]: bad pattern "[a-": syntax error in pattern`}),
	Entry("check: a trust store that is a path", hostile{command: "check", request: checking(map[string]any{"signature_trust_store": "/etc/apt/trusted.gpg"}),
		want: `check: source.signature_trust_store: no ASCII-armored public key block (-----BEGIN PGP PUBLIC KEY BLOCK-----) found`}),
	Entry("check: a trust store whose armor is broken", hostile{command: "check", request: checking(map[string]any{
		"signature_trust_store": "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----\n"}),
		want: `check: source.signature_trust_store: block 1: openpgp: invalid data: tag byte does not have MSB set`}),

	// Scripts that misbehave.
	Entry("check: version_check exits 4", hostile{command: "check", request: checking(map[string]any{"version_check": "echo 1.0.0; exit 4"}),
		want: `check: version_check: script exited with status 4; stdout began: "1.0.0\n"`}),
	Entry("check: version_check runs a command that does not exist", hostile{command: "check", request: checking(map[string]any{"version_check": "no-such-command-here"}),
		want: `check: version_check: script exited with status 127 and printed nothing on stdout`}),
	Entry("check: version_check uses an unset variable", hostile{command: "check", request: checking(map[string]any{"version_check": "echo $UNSET_BY_ANYONE"}),
		want: `check: version_check: script exited with status 1 and printed nothing on stdout`}),
	Entry("check: a failing stage of a pipeline", hostile{command: "check", request: checking(map[string]any{"version_check": "false | echo 1.0.0"}),
		want: `check: version_check: script exited with status 1; stdout began: "1.0.0\n"`}),
	// Long enough for the script to print on a loaded machine before it is stopped.
	Entry("check: version_check times out", hostile{command: "check", request: checking(map[string]any{"version_check": "echo 1.0.0; sleep 30", "script_timeout": "5s"}),
		want: `check: version_check: script timed out after 5s; stdout began: "1.0.0\n"`}),
	Entry("check: version_check kills itself", hostile{command: "check", request: checking(map[string]any{"version_check": "kill -9 $$"}),
		want: `check: version_check: script was killed by signal 9 (killed) and printed nothing on stdout`}),
	Entry("check: version_check prints one line of 20 MB and fails", hostile{command: "check", request: checking(map[string]any{"version_check": hugeLine + "; exit 1"}),
		want: `check: version_check: script exited with status 1; stdout began: ` + hugeQuoted}),
	Entry("check: version_check leaves a job that escaped its process group and holds stderr", hostile{command: "check", request: func(w *hostileWorld) any {
		return w.check(map[string]any{"version_check": "setsid sleep 30 & echo $! > '" + filepath.Join(w.dir, "escaped.pid") + "'; echo 1.0.0; exit 3"})
	}, want: `check: version_check: script exited with status 3; stdout began: "1.0.0\n"`}),
	Entry("check: a #! script whose interpreter does not exist", hostile{command: "check", request: checking(map[string]any{"version_check": "#!/no/such/interpreter\necho 1.0.0\n"}),
		want: `check: version_check: start script: cannot run the interpreter its #! line names, "/no/such/interpreter": no such file or directory`}),
	Entry("check: a #! line without an interpreter", hostile{command: "check", request: checking(map[string]any{"version_check": "#!\necho 1.0.0\n"}),
		want: `check: version_check: start script: cannot run the interpreter its #! line names, "": exec format error`}),
	Entry("check: a #! script that fails", hostile{command: "check", request: checking(map[string]any{"version_check": "#!/bin/sh\necho 1.0.0\nexit 9\n"}),
		want: `check: version_check: script exited with status 9; stdout began: "1.0.0\n"`}),
	Entry("in: metalink_get exits 22 after printing an HTML page", hostile{command: "in", request: getting(map[string]any{
		"metalink_get": "echo '<html><title>502 Bad Gateway</title></html>'; exit 22"}, nil),
		want: `in: metalink_get: script exited with status 22; stdout began: "<html><title>502 Bad Gateway</title></html>\n"`}),
	Entry("in: metalink_get times out", hostile{command: "in", request: getting(map[string]any{"metalink_get": "sleep 30 & wait", "script_timeout": "500ms"}, nil),
		want: `in: metalink_get: script timed out after 500ms and printed nothing on stdout`}),
	Entry("in: metalink_get prints nothing", hostile{command: "in", request: getting(map[string]any{"metalink_get": "true"}, nil),
		want: `in: metalink_get printed nothing for version "1.0.0"; expected a metalink (JSON or meta4 XML)`}),
	Entry("in: metalink_get prints only white space", hostile{command: "in", request: getting(map[string]any{"metalink_get": "printf ' \\n\\t\\n'"}, nil),
		want: `in: metalink_get printed nothing for version "1.0.0"; expected a metalink (JSON or meta4 XML)`}),
	Entry("in: metalink_get prints an HTML page", hostile{command: "in", request: func(w *hostileWorld) any { return w.printed(hostileserver.HTMLPage) },
		want: `in: metalink_get did not print a metalink: metalink XML: root element is <html>, expected <metalink>; output began: "<html><head><title>Sign in</title></head><body>Please sign in to download.</body></html>\n"`}),
	Entry("in: metalink_get prints plain text", hostile{command: "in", request: getting(map[string]any{"metalink_get": "echo 'Not Found'"}, nil),
		want: `in: metalink_get did not print a metalink: not a metalink (expected JSON or XML): "Not Found\n"`}),
	Entry("in: metalink_get prints bytes that are not UTF-8", hostile{command: "in", request: getting(map[string]any{"metalink_get": `printf '\xff\xfe\x00garbage'`}, nil),
		want: `in: metalink_get did not print a metalink: not a metalink (expected JSON or XML): "\xff\xfe\x00garbage"`}),
	Entry("in: metalink_get prints a 20 MB line", hostile{command: "in", request: getting(map[string]any{"metalink_get": hugeLine}, nil),
		want: `in: metalink_get did not print a metalink: not a metalink (expected JSON or XML): ` + hugeQuoted}),
	Entry("in: metalink_get prints a 20 MB JSON string", hostile{command: "in", request: getting(map[string]any{"metalink_get": `printf '{"files":"'; ` + hugeLine}, nil),
		want: `in: metalink_get did not print a metalink: metalink JSON: the JSON ends early (truncated?); output began: "{\"files\":\"` + strings.Repeat("a", 190) + `"…`}),
	Entry("in: metalink_get prints two JSON documents", hostile{command: "in", request: func(w *hostileWorld) any {
		script := w.printing(w.file("ok"))
		return w.in(map[string]any{"metalink_get": script + "; " + script}, nil)
	}, want: `in: metalink_get did not print a metalink: metalink JSON: several documents: expected exactly one JSON object, found another after it; output began: "{\"files\":[{\"name\":\"payload.tgz\",\"hashes\":[{\"type\":\"sha-256\",\"hash\":\"e3e33b2776d0acafb16d9252ecf6b10ea177800e127edde8b7fd2850d12d71db\"},{\"type\":\"sha-512\",\"hash\":\"8f3dddb835e51b5edd79369fcfe85e9c0568f7f"…`}),
	Entry("in: metalink_get prints JSON null", hostile{command: "in", request: getting(map[string]any{"metalink_get": "echo null"}, nil), want: `in: metalink_get did not print a metalink: not a metalink (expected JSON or XML): "null\n"`}),
	Entry("in: metalink_get prints a JSON list", hostile{command: "in", request: getting(map[string]any{"metalink_get": `echo '[{"files":[]}]'`}, nil), want: `in: metalink_get did not print a metalink: not a metalink (expected JSON or XML): "[{\"files\":[]}]\n"`}),
	Entry("in: metalink_get prints an empty object", hostile{command: "in", request: getting(map[string]any{"metalink_get": "echo '{}'"}, nil),
		want: `in: metalink_get printed an unusable metalink: metalink has no files`}),
	Entry("in: metalink_get prints a size that is a string", hostile{command: "in", request: getting(map[string]any{"metalink_get": `echo '{"files":[{"name":"a","size":"12"}]}'`}, nil), want: `in: metalink_get did not print a metalink: metalink JSON: files.size must be a whole number (0 or more), not string; output began: "{\"files\":[{\"name\":\"a\",\"size\":\"12\"}]}\n"`}),
	Entry("in: metalink_get prints a negative size", hostile{command: "in", request: getting(map[string]any{"metalink_get": `echo '{"files":[{"name":"a","size":-1}]}'`}, nil), want: `in: metalink_get did not print a metalink: metalink JSON: files.size must be a whole number (0 or more), not number -1; output began: "{\"files\":[{\"name\":\"a\",\"size\":-1}]}\n"`}),
	Entry("in: metalink_get prints XML in no namespace", hostile{command: "in", request: getting(map[string]any{"metalink_get": `echo '<metalink><file name="a"/></metalink>'`}, nil), want: `in: metalink_get did not print a metalink: metalink XML: root element <metalink> has no namespace; expected urn:ietf:params:xml:ns:metalink (RFC 5854) or http://www.metalinker.org/ (Metalink 3.0); output began: "<metalink><file name=\"a\"/></metalink>\n"`}),
	Entry("in: metalink_get prints XML cut short", hostile{command: "in", request: getting(map[string]any{"metalink_get": `echo '<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a">'`}, nil), want: `in: metalink_get did not print a metalink: metalink XML: XML syntax error on line 2: unexpected EOF; output began: "<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\"><file name=\"a\">\n"`}),
	Entry("in: metalink_get prints an entity bomb", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.printed(`<?xml version="1.0"?><!DOCTYPE metalink [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>` +
			`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><description>&c;</description></file></metalink>`)
	}, want: `in: metalink_get did not print a metalink: metalink XML: XML syntax error on line 1: invalid character entity &c;; output began: "<?xml version=\"1.0\"?><!DOCTYPE metalink [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><metalink xmlns=\"urn:ietf:params:xml:ns:metal"…`}),

	// Metalinks with unsafe, reserved or clashing names.
	Entry("in: a name that climbs out", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "../escaped.tgz" })
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "../escaped.tgz": contains a ".." segment`}),
	Entry("in: a name that climbs out deeper down", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "a/../../b" })
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "a/../../b": contains a ".." segment`}),
	Entry("in: an absolute name", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "/etc/cron.d/payload" })
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "/etc/cron.d/payload": is an absolute path`}),
	Entry("in: a name with a backslash", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = `dir\payload.tgz` })
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "dir\\payload.tgz": contains a backslash`}),
	Entry("in: a name with a NUL byte", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "payload.tgz\x00.txt" })
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "payload.tgz\x00.txt": contains the control or invisible character U+0000`}),
	Entry("in: a Windows path", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = `C:\payload.tgz` })
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "C:\\payload.tgz": contains a backslash`}),
	Entry("in: a drive-relative Windows name", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "C:payload.tgz" })
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "C:payload.tgz": starts with a Windows drive letter`}),
	Entry("in: a name inside the records directory", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = ".resource/version" })
	}, want: `in: file name ".resource/version": .resource/ is reserved for the resource's own records`}),
	Entry("in: the records directory as a name", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = ".resource" })
	}, want: `in: file name ".resource": .resource/ is reserved for the resource's own records`}),
	Entry("in: an empty name", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "" })
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "": it is empty`}),
	Entry("in: a name with a dot segment", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "./payload.tgz" })
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "./payload.tgz": contains a "." segment`}),
	Entry("in: a name ending in a slash", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "payload/" })
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "payload/": contains an empty path segment`}),
	Entry("in: the same name twice", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.getting(w.file("ok"), w.file("ok"))
	}, want: `in: metalink_get printed an unusable metalink: duplicate file name "payload.tgz"`}),
	Entry("in: a name another needs as a directory", hostile{command: "in", request: func(w *hostileWorld) any {
		inner := w.file("ok")
		inner.Name = "payload.tgz/inner"
		return w.getting(w.file("ok"), inner)
	}, want: `in: metalink_get printed an unusable metalink: file name "payload.tgz/inner" needs "payload.tgz" to be a directory, but it is also a file`}),
	Entry("in: a name with a control character", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "payload\x1b[31m.tgz" })
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "payload\x1b[31m.tgz": contains the control or invisible character U+001B`}),

	// Metalinks that cannot be verified or fetched.
	Entry("in: a file without URLs", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.URLs = nil })
	}, want: `in: download payload.tgz: no usable URL`}),
	Entry("in: an empty URL", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.URLs = []metalink.URL{{URL: ""}} })
	}, want: `in: metalink_get printed an unusable metalink: file "payload.tgz": url 1 is empty`}),
	Entry("in: only unknown hash types", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Hashes = []metalink.Hash{{Type: "sha3-256", Hash: "abcd"}} })
	}, want: `in: download payload.tgz: no supported hash type among "sha3-256" (supported: sha-512, sha-256, sha-1, md5); set skip_hash_verification to download it unverified`}),
	Entry("in: a sha-256 of the wrong length", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Hashes = []metalink.Hash{{Type: "sha-256", Hash: "abcdef0123"}} })
	}, want: `in: download payload.tgz: sha-256 hash "abcdef0123" is not 64 hex digits`}),
	Entry("in: a hash that is not hex", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) {
			f.Hashes = []metalink.Hash{{Type: "sha-256", Hash: strings.Repeat("zz", 32)}}
		})
	}, want: `in: download payload.tgz: sha-256 hash "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" is not 64 hex digits`}),
	Entry("in: a hash without a type", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Hashes = []metalink.Hash{{Hash: "abcd"}} })
	}, want: `in: metalink_get printed an unusable metalink: file "payload.tgz": hash 1 needs both a type and a value`}),
	Entry("in: pieces that do not cover the size", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) {
			p := pieceHashes(w.content, 1024)
			p.Hashes = p.Hashes[1:]
			f.Pieces = []metalink.Pieces{p}
		})
	}, want: `in: metalink_get printed an unusable metalink: file "payload.tgz": pieces 1: 4096 bytes in pieces of 1024 need 4 hashes, found 3`}),
	Entry("in: a signature without a trust store", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Signatures = newSigner("Stranger").sign(w.content) })
	}, want: `in: download payload.tgz: the file has a pgp signature but no signature_trust_store is configured; configure it or set skip_signature_verification`}),
	Entry("in: a minisign signature of another file (a rollback)", hostile{command: "in", request: func(w *hostileWorld) any {
		req := w.spoiled("ok", func(f *metalink.File) {
			f.Signatures = []metalink.Signature{rollbackKey.sign(w.content, "file:payload-0.9.tgz")}
		})
		return withKey(req, rollbackKey.public(), "source", "minisign_public_keys")
	}, want: `in: download payload.tgz: http://[redacted]@{host}/ok/payload.tgz: minisign signature by key ` + rollbackKey.id() + ` is for file "payload-0.9.tgz", not "payload.tgz": ` +
		`a signature of another file (an older release served under this name?)`}),
	Entry("in: a signature of another kind", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) {
			f.Signatures = []metalink.Signature{{MediaType: "application/pkcs7-signature", Signature: "MIAGCSqGSIb3DQEHAqCAMIACAQEx"}}
		})
	}, want: `in: download payload.tgz: unsupported signature type "application/pkcs7-signature" (supported: ` + strings.Join(metalink.SignatureTypes(), ", ") + `); set skip_signature_verification to ignore it`}),
	Entry("in: a size the bytes do not have", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Size++ })
	}, want: `in: download payload.tgz: http://[redacted]@{host}/ok/payload.tgz: size mismatch: expected 4097 bytes, the server announced 4096`}),
	Entry("in: a second file that fails, after a first that worked", hostile{command: "in", request: func(w *hostileWorld) any {
		first := w.file("ok")
		first.Name = "first.tgz"
		return w.getting(first, w.file("404"))
	}, want: `in: download payload.tgz: http://[redacted]@{host}/404/payload.tgz: 404 Not Found`}),

	// Servers that lie, redirect, reset or serve HTML.
	Entry("in: 404", hostile{command: "in", request: func(w *hostileWorld) any { return w.getting(w.file("404")) },
		want: `in: download payload.tgz: http://[redacted]@{host}/404/payload.tgz: 404 Not Found`}),
	Entry("in: an HTML login page with 200", hostile{command: "in", request: func(w *hostileWorld) any { return w.getting(w.file("html")) }, want: `in: download payload.tgz: http://[redacted]@{host}/html/payload.tgz: size mismatch: expected 4096 bytes, the server announced 89`}),
	Entry("in: an HTML login page with 200, no size in the metalink", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("html", func(f *metalink.File) { f.Size = 0; keepSHA512(f) })
	}, want: `in: download payload.tgz: http://[redacted]@{host}/html/payload.tgz: sha-512 mismatch: expected 8f3dddb835e51b5edd79369fcfe85e9c0568f7f9d4e2d4fde89f6129e2935ef45c47249b85be90c9a0ab7fd991f11f8a4c0615b7bbde2bf768dc1d6235c17f7c, got 3ee7c025301a6f183031563b00c7c934f034735d97495b33f41b5981542ba470c3f951edbfc6c8c3e286dc9be4fad2e56d4460a3345563676857b60df18cc5a6`}),
	Entry("in: a Content-Length larger than the file", hostile{command: "in", request: func(w *hostileWorld) any { return w.getting(w.file("longer")) }, want: `in: download payload.tgz: http://[redacted]@{host}/longer/payload.tgz: size mismatch: expected 4096 bytes, the server announced 4097`}),
	Entry("in: a Content-Length smaller than the file", hostile{command: "in", request: func(w *hostileWorld) any { return w.getting(w.file("shorter")) }, want: `in: download payload.tgz: http://[redacted]@{host}/shorter/payload.tgz: size mismatch: expected 4096 bytes, the server announced 4095`}),
	Entry("in: a Content-Range that is not what was asked", hostile{command: "in", request: func(w *hostileWorld) any { return w.getting(w.file("range")) }, want: `in: download payload.tgz: http://[redacted]@{host}/range/payload.tgz: asked for bytes from 0 on, the server sent bytes from 100 on`}),
	Entry("in: gzip although identity was asked for", hostile{command: "in", request: func(w *hostileWorld) any { return w.getting(w.file("gzip")) }, want: `in: download payload.tgz: http://[redacted]@{host}/gzip/payload.tgz: size mismatch: expected 4096 bytes, the server announced 387`}),
	Entry("in: a redirect loop", hostile{command: "in", request: func(w *hostileWorld) any { return w.getting(w.file("loop")) }, want: `in: download payload.tgz: http://[redacted]@{host}/loop/payload.tgz: redirect loop: http://[redacted]@{host}/loop/payload.tgz redirects back to itself`}),
	Entry("in: a redirect to file:///etc/passwd", hostile{command: "in", request: func(w *hostileWorld) any { return w.getting(w.file("tofile")) }, want: `in: download payload.tgz: http://[redacted]@{host}/tofile/payload.tgz: refused a redirect to file:///etc/passwd: only http and https redirects are followed`}),
	Entry("in: a connection refused", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) {
			f.URLs[0].URL = "http://user:" + hostilePassword + "@" + w.dead + "/payload.tgz"
		})
	}, want: `in: download payload.tgz: http://[redacted]@{dead}/payload.tgz: dial tcp {dead}: connect: connection refused`}),
	Entry("in: a file:// URL to a directory", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.URLs[0].URL = "file://" + w.dir })
	}, want: `in: download payload.tgz: file://{dir}: {dir} is not a regular file (a directory)`}),
	Entry("in: a file:// URL to a device", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.URLs[0].URL = "file:///dev/zero" })
	}, want: `in: download payload.tgz: file:///dev/zero: /dev/zero is not a regular file (a device)`}),
	Entry("in: a file:// URL that does not exist", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.URLs[0].URL = "file://" + w.dir + "/missing.tgz" })
	}, want: `in: download payload.tgz: file://{dir}/missing.tgz: open {dir}/missing.tgz: no such file or directory`}),
	Entry("in: a relative file:// URL", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.URLs[0].URL = "file://../../etc/passwd" })
	}, want: `in: download payload.tgz: file://../../etc/passwd: file URL host ".." is not supported: use file:///absolute/path`}),
	Entry("in: an unknown URL scheme", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) {
			f.URLs[0].URL = "gopher://user:" + hostilePassword + "@127.0.0.1:1/payload.tgz"
		})
	}, want: `in: download payload.tgz: gopher://[redacted]@127.0.0.1:1/payload.tgz: unsupported URL scheme "gopher"`}),
	Entry("in: a URL with a control character", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.URLs[0].URL = w.url("ok") + "\x7f" })
	}, want: `in: download payload.tgz: http://[redacted]@{host}/ok/payload.tgz\x7f: invalid URL: net/url: invalid control character in URL`}),
	Entry("in: a URL with an 8-bit terminal escape", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) {
			f.URLs[0].URL = "http://user:" + hostilePassword + "@" + w.dead + "/\u009b2J\u009b31mpayload.tgz"
		})
	}, want: `in: download payload.tgz: http://[redacted]@{dead}/\u009b2J\u009b31mpayload.tgz: dial tcp {dead}: connect: connection refused`}),
	Entry("in: an ftp URL that refuses the connection", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) {
			f.URLs[0].URL = "ftp://user:" + hostilePassword + "@" + w.dead + "/payload.tgz"
		})
	}, want: `in: download payload.tgz: ftp://[redacted]@{dead}/payload.tgz: ftp connect: dial tcp {dead}: connect: connection refused`}),
	Entry("in: an s3 URL that refuses the connection, with handler credentials", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) {
			f.URLs[0].URL = "s3://" + w.dead + "/bucket/payload.tgz"
		})
	}, want: `in: download payload.tgz: s3://{dead}/bucket/payload.tgz: get s3://{dead}/bucket/payload.tgz: dial tcp {dead}: connect: connection refused`}),
	Entry("in: every URL bad, each named", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("404", func(f *metalink.File) {
			f.URLs = append(f.URLs, metalink.URL{URL: w.url("html")}, metalink.URL{URL: w.url("loop")})
		})
	}, want: `in: download payload.tgz: http://[redacted]@{host}/404/payload.tgz: 404 Not Found; http://[redacted]@{host}/html/payload.tgz: size mismatch: expected 4096 bytes, the server announced 89; http://[redacted]@{host}/loop/payload.tgz: redirect loop: http://[redacted]@{host}/loop/payload.tgz redirects back to itself`}),

	Entry("in: 500 on every try", hostile{command: "in", request: func(w *hostileWorld) any { return w.getting(w.file("500")) },
		want: `in: download payload.tgz: http://[redacted]@{host}/500/payload.tgz: 500 Internal Server Error (tried 4 times)`}),
	Entry("in: a connection reset in the middle of every answer", hostile{command: "in", request: func(w *hostileWorld) any { return w.getting(w.file("reset")) },
		want: `in: download payload.tgz: http://[redacted]@{host}/reset/payload.tgz: read tcp 127.0.0.1:{port}->{host}: read: connection reset by peer (tried 4 times)`}),
	Entry("in: an s3 URL with credentials in it", hostile{command: "in", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) {
			f.URLs[0].URL = "s3://" + hostileAccessKey + ":" + hostilePassword + "@" + w.dead + "/bucket/payload.tgz"
		})
	}, want: `in: download payload.tgz: s3://[redacted]@{dead}/bucket/payload.tgz: get s3://{dead}/bucket/payload.tgz: dial tcp {dead}: connect: connection refused`}),
	Entry("in: an unsafe name with skip_download", hostile{command: "in", request: func(w *hostileWorld) any {
		req := w.spoiled("ok", func(f *metalink.File) { f.Name = "../escaped.tgz" })
		req["params"] = map[string]any{"skip_download": true}
		return req
	}, want: `in: metalink_get printed an unusable metalink: unsafe file name "../escaped.tgz": contains a ".." segment`}),
	Entry("in: a file no URL delivers, though a selected one was fine", hostile{command: "in", request: func(w *hostileWorld) any {
		first := w.file("ok")
		first.Name = "a/first.tgz"
		corrupt := w.file("corrupt")
		keepSHA512(&corrupt)
		return w.getting(first, corrupt)
	}, want: `in: download payload.tgz: http://[redacted]@{host}/corrupt/payload.tgz: sha-512 mismatch: expected 8f3dddb835e51b5edd79369fcfe85e9c0568f7f9d4e2d4fde89f6129e2935ef45c47249b85be90c9a0ab7fd991f11f8a4c0615b7bbde2bf768dc1d6235c17f7c, got 9f76ee6c8bbe57298b63cacdcdefcbe0e3d5291639d973064de8691999c30a3a6c6c39cd4ac375eb6babbd2c08eab1499a54b678564fb1a83f6181e241df5e93`}),

	// Arguments.
	Entry("in: no destination", hostile{command: "in", request: getting(nil, nil), args: func(*hostileWorld) []string { return nil },
		want: `in: usage: in DIRECTORY (exactly one directory, got 0 arguments)`}),
	Entry("in: two destinations", hostile{command: "in", request: getting(nil, nil), args: func(w *hostileWorld) []string { return []string{w.dest, w.dest} },
		want: `in: usage: in DIRECTORY (exactly one directory, got 2 arguments)`}),
	Entry("in: an empty destination", hostile{command: "in", request: getting(nil, nil), args: func(*hostileWorld) []string { return []string{""} },
		want: `in: usage: in DIRECTORY (exactly one directory, got 1 arguments)`}),
	Entry("check: an argument", hostile{command: "check", request: checking(nil), args: func(w *hostileWorld) []string { return []string{w.dest} },
		want: `check: usage: check takes no arguments, got 1`}),
	Entry("out: no build directory", hostile{command: "out", request: raw(`{"source":{},"params":{}}`), args: func(*hostileWorld) []string { return nil },
		want: `out: usage: out DIRECTORY (exactly one directory, got 0 arguments)`}),
	Entry("out: a valid put", hostile{command: "out", request: func(w *hostileWorld) any { return map[string]any{"source": w.source(nil), "params": map[string]any{}} },
		want: `out: put is not supported by dynamic-metalink; use a metalink-repository resource to publish`}),
}

var _ = Describe("the hostile corpus", func() {
	var w *hostileWorld

	BeforeEach(func() {
		content := patterned(4096, 3)
		w = &hostileWorld{
			dir:     GinkgoT().TempDir(),
			site:    hostileserver.Start(GinkgoT(), map[string][]byte{"payload.tgz": content}),
			content: content,
			dest:    filepath.Join(GinkgoT().TempDir(), "get"),
			dead:    strings.TrimPrefix(deadURL(), "http://"),
		}
		Expect(os.Mkdir(w.dest, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(w.dest, "keep.txt"), []byte("the build's own file"), 0o644)).To(Succeed())
		DeferCleanup(killEscaped, w.dir)
	})

	DescribeTable("fails with exit 1, one fatal line that says what, no secret, and nothing written",
		func(c hostile) {
			args := []string{w.dest}
			switch {
			case c.args != nil:
				args = c.args(w)
			case c.command == "check":
				args = nil
			}
			r := execute(map[string]string{"check": bin.Check, "in": bin.In, "out": bin.Out}[c.command], c.request(w), args...)
			want := strings.NewReplacer("{host}", w.host(), "{dead}", w.dead, "{dir}", w.dir, "{dest}", w.dest).Replace(c.want)
			failure.Expect(failure.Run{Code: r.code, Stdout: r.stdout, Stderr: r.stderr}, c.command, want, hostileSecrets)
			Expect(r.elapsed).To(BeNumerically("<", 20*time.Second))
			entries, err := os.ReadDir(w.dest)
			Expect(err).NotTo(HaveOccurred())
			Expect(entries).To(HaveLen(1), "only the build's own file is left")
			Expect(os.ReadFile(filepath.Join(w.dest, "keep.txt"))).To(Equal([]byte("the build's own file")))
		},
		hostileCases,
	)
})

// killEscaped kills the processes whose pids a case's script wrote to
// dir/*.pid: jobs that left the script's process group, which the resource
// cannot see, and which the test must not leave behind.
func killEscaped(dir string) {
	pidFiles, _ := filepath.Glob(filepath.Join(dir, "*.pid"))
	for _, file := range pidFiles {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 1 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// minisignKey signs as a release's minisign key; its key id is fixed, so
// that a case can name it.
type minisignKey struct {
	pub  minisign.PublicKey
	priv minisign.PrivateKey
}

var rollbackKey = func() minisignKey {
	pub, priv, err := minisign.GenerateKey(strings.NewReader(strings.Repeat("rollback", 16)))
	if err != nil {
		panic(err)
	}
	return minisignKey{pub: pub, priv: priv}
}()

func (k minisignKey) id() string     { return fmt.Sprintf("%016X", k.pub.ID()) }
func (k minisignKey) public() string { return k.pub.String() }

// sign makes a prehashed signature of content with trustedComment.
func (k minisignKey) sign(content []byte, trustedComment string) metalink.Signature {
	r := minisign.NewReader(bytes.NewReader(content))
	if _, err := io.Copy(io.Discard, r); err != nil {
		panic(err)
	}
	return metalink.Signature{MediaType: metalink.SignatureMinisign, Signature: string(r.SignWithComments(k.priv, trustedComment, "x"))}
}
