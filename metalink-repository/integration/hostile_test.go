package integration_test

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/failure"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/hostileserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// The secrets hostile requests plant, besides the git server's password
// (in the uri of every git case) and the S3 server's secret key (in the
// url_handlers of every S3 mirror case).
const (
	hostileAccessKey  = "AKIAHOSTILEREPO0001"
	hostileSecretKey  = "hostile-repo-handler-secret-0042"            // url_handlers[].options.secret_key
	hostileEnvSecret  = "hostile-legacy-env-secret-0099"              // mirror_files[].env.AWS_SECRET_ACCESS_KEY
	hostilePassword   = "hostile-url-password-0077"                   // in the userinfo of every download URL
	hostileOptionPass = "hostile-option-password-0055"                // options.password
	hostileKeyLine    = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEhostile" // a line of options.private_key
)

var hostileSecrets = []string{
	hostileAccessKey, hostileSecretKey, hostileEnvSecret, hostilePassword, hostileOptionPass, hostileKeyLine,
	gitPassword, s3server.SecretKey,
}

// hostilePrivateKey is an options.private_key that is no key but looks like one.
const hostilePrivateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + hostileKeyLine + "\n-----END OPENSSH PRIVATE KEY-----\n"

// hostileWorld is what one hostile case may build its request from.
type hostileWorld struct {
	site    *hostileserver.Server // serves payload.tgz under every behaviour
	content []byte
	repo    string // a file:// repository holding v1.0.0.meta4 of the payload
	build   outBuild
	mirror  string // where file:// mirror destinations point
	dest    string // in's destination; holds keep.txt before the run
	dead    string // 127.0.0.1:PORT where nothing listens

	git    *outRepo   // made on first use
	bucket *outBucket // made on first use
}

func (w *hostileWorld) host() string { return strings.TrimPrefix(w.site.URL, "http://") }

// url is where behaviour serves the payload, with a password in its userinfo.
func (w *hostileWorld) url(behaviour string) string {
	return "http://user:" + hostilePassword + "@" + w.host() + "/" + behaviour + "/payload.tgz"
}

// file describes the payload as served by behaviour, with a version.
func (w *hostileWorld) file(behaviour string) metalink.File {
	f := described("payload.tgz", string(w.content), metalink.URL{URL: w.url(behaviour)})
	f.Version = "1.0.0"
	return f
}

// gitRepo is a git repository on the shared server, reached with the
// server's password in the uri.
func (w *hostileWorld) gitRepo() outRepo {
	if w.git == nil {
		repo := newOutRepo()
		w.git = &repo
	}
	return *w.git
}

// s3Bucket is an empty bucket on the shared S3 server.
func (w *hostileWorld) s3Bucket() outBucket {
	if w.bucket == nil {
		bucket := newOutBucket()
		w.bucket = &bucket
	}
	return *w.bucket
}

// source is a valid file:// source that plants every secret it can carry,
// changed by extra (a nil value deletes the key).
func (w *hostileWorld) source(extra map[string]any) map[string]any {
	src := map[string]any{
		"uri": "file://" + w.repo,
		"url_handlers": []any{map[string]any{"type": "s3", "options": map[string]any{
			"access_key": hostileAccessKey, "secret_key": hostileSecretKey,
		}}},
		"mirror_files": []any{map[string]any{
			"destination": "file://" + w.mirror + "/{{.Name}}",
			"env":         map[string]any{"AWS_ACCESS_KEY_ID": hostileAccessKey, "AWS_SECRET_ACCESS_KEY": hostileEnvSecret},
		}},
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

// gitSource is source on a git repository, with options.
func (w *hostileWorld) gitSource(options map[string]any, extra map[string]any) map[string]any {
	src := w.source(extra)
	src["uri"] = w.gitRepo().httpURI()
	if options != nil {
		src["options"] = options
	}
	return src
}

// s3Mirror is a source whose files are mirrored to the S3 bucket at key
// (a template), with the S3 server's credentials.
func (w *hostileWorld) s3Mirror(key string) map[string]any {
	return w.source(map[string]any{
		"url_handlers": []any{world.s3Handler(s3server.SecretKey), map[string]any{"type": "s3", "options": map[string]any{
			"access_key": hostileAccessKey, "secret_key": hostileSecretKey,
		}}},
		"mirror_files": []any{map[string]any{"destination": w.s3Bucket().url(key)}},
	})
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

func (w *hostileWorld) out(source map[string]any, params any) map[string]any {
	return map[string]any{"source": source, "params": params}
}

// publishing is an out of a metalink written into the build directory as
// text, to the file repository and the file mirror.
func (w *hostileWorld) publishing(text string) map[string]any {
	w.build.write("given.meta4", []byte(text))
	return w.out(w.source(nil), map[string]any{"metalink": "given.meta4"})
}

// publishingFiles is an out of a metalink of files, as XML.
func (w *hostileWorld) publishingFiles(files ...metalink.File) map[string]any {
	return w.publishing(marshal(metalink.Metalink{Files: files}))
}

// spoiled publishes the payload served by behaviour, changed by spoil.
func (w *hostileWorld) spoiled(behaviour string, spoil func(*metalink.File)) map[string]any {
	f := w.file(behaviour)
	spoil(&f)
	data, err := json.Marshal(metalink.Metalink{Files: []metalink.File{f}})
	Expect(err).NotTo(HaveOccurred())
	return w.publishing(string(data))
}

// hostileRepo is one case of the corpus: a request that must fail.
type hostileRepo struct {
	command string                         // "check", "in" or "out"
	request func(w *hostileWorld) any      // a string is sent as it is
	args    func(w *hostileWorld) []string // nil: none for check, the destination for in, the build for out
	// want is the exact fatal line; {host}, {dead}, {repo}, {build},
	// {mirror}, {bucket}, {s3}, {git} and {gitname} stand for the site's
	// address, a dead address, the file repository, the build directory,
	// the file mirror, the bucket, the S3 server's address, the git
	// server's and the git repository's name; {port} for a port the system
	// picks and {token} for the random part of a temporary upload's key.
	want string
}

func rawRequest(text string) func(*hostileWorld) any { return func(*hostileWorld) any { return text } }

func checkingWith(extra map[string]any) func(*hostileWorld) any {
	return func(w *hostileWorld) any { return w.check(extra) }
}

func gettingWith(extra map[string]any, params any) func(*hostileWorld) any {
	return func(w *hostileWorld) any { return w.in(extra, params) }
}

// putting is an out of the build's good metalink, with extra source keys and params.
func putting(extra map[string]any, params map[string]any) func(*hostileWorld) any {
	return func(w *hostileWorld) any {
		p := map[string]any{"metalink": "good.meta4"}
		for k, v := range params {
			if v == nil {
				delete(p, k)
				continue
			}
			p[k] = v
		}
		return w.out(w.source(extra), p)
	}
}

// checkingURI is a check of a source whose uri (and options) are given.
func checkingURI(uri string, options map[string]any) func(*hostileWorld) any {
	return func(w *hostileWorld) any {
		src := w.source(map[string]any{"uri": uri})
		if options != nil {
			src["options"] = options
		}
		return map[string]any{"source": src}
	}
}

func mirrorTo(destination string, extra map[string]any) map[string]any {
	m := map[string]any{"destination": destination}
	for k, v := range extra {
		m[k] = v
	}
	return map[string]any{"mirror_files": []any{m}}
}

var hostileRepoCases = []TableEntry{
	// The request as a whole.
	Entry("check: a list", hostileRepo{command: "check", request: rawRequest(`[{"source":{}}]`), want: `check: the request must be a JSON object with "source" (got a list)`}),
	Entry("in: a string", hostileRepo{command: "in", request: rawRequest(`"file:///srv"`), want: `in: the request must be a JSON object with "source" (got a string)`}),
	Entry("out: a number", hostileRepo{command: "out", request: rawRequest(`1e400`), want: `out: the request must be a JSON object with "source" (got a number)`}),
	Entry("check: null, which sets nothing", hostileRepo{command: "check", request: rawRequest(`null`), want: `check: source.uri is required`}),
	Entry("out: nothing at all", hostileRepo{command: "out", request: rawRequest(``), want: `out: empty request: expected a JSON object on stdin`}),
	Entry("check: options nested 100 deep", hostileRepo{command: "check",
		request: rawRequest(`{"source":{"uri":"file:///srv/m","options":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}`),
		want:    `check: source.options` + strings.Repeat("[0]", 62) + `: nested too deeply`}),
	Entry("out: a 17 MiB request", hostileRepo{command: "out",
		request: rawRequest(`{"source":{"uri":"file:///srv/m"},"params":{"rename":"` + strings.Repeat("x", 17<<20) + `"}}`),
		want:    `out: request larger than 16 MiB`}),
	Entry("in: garbage after the request", hostileRepo{command: "in", request: rawRequest(`{"source":{"uri":"file:///srv/m"}}garbage`),
		want: `in: unexpected data after the JSON value`}),
	Entry("check: a byte-order mark", hostileRepo{command: "check", request: rawRequest("\xEF\xBB\xBF{}"),
		want: `check: malformed JSON at byte 1: invalid character 'ï' looking for beginning of value`}),
	Entry("check: a request cut inside options", hostileRepo{command: "check", request: rawRequest(`{"source":{"uri":"git+file:///srv/m","options":{"password":"`),
		want: `check: source.options.password: malformed JSON at byte 60: unexpected end of JSON input`}),

	// Keys: unknown, written twice, in another case, at every level.
	Entry("out: a version, which out does not take", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		req := putting(nil, nil)(w).(map[string]any)
		req["version"] = map[string]any{"version": "1.0.0"}
		return req
	}, want: `out: unknown key "version"`}),
	Entry("check: a source key in another case", hostileRepo{command: "check", request: checkingWith(map[string]any{"URI": "file:///srv"}),
		want: `check: unknown key "source.URI" (did you mean "uri"?)`}),
	Entry("check: uri twice", hostileRepo{command: "check", request: rawRequest(`{"source":{"uri":"file:///a","uri":"file:///b"}}`),
		want: `check: duplicate key "source.uri"`}),
	Entry("check: an unknown git option", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return map[string]any{"source": w.gitSource(map[string]any{"password": hostileOptionPass, "colour": "blue"}, nil)}
	}, want: `check: unknown key "source.options.colour"`}),
	Entry("check: a git option in another case", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return map[string]any{"source": w.gitSource(map[string]any{"Password": hostileOptionPass}, nil)}
	}, want: `check: unknown key "source.options.Password" (did you mean "password"?)`}),
	Entry("check: a git option twice", hostileRepo{command: "check",
		request: rawRequest(`{"source":{"uri":"git+file:///srv/m.git","options":{"password":"` + hostileOptionPass + `","password":"` + hostileOptionPass + `"}}}`),
		want:    `check: duplicate key "source.options.password"`}),
	Entry("check: an S3 option of git", hostileRepo{command: "check", request: checkingURI("s3://127.0.0.1:1/bucket/releases", map[string]any{"private_key": hostilePrivateKey}),
		want: `check: unknown key "source.options.private_key"`}),
	Entry("check: a git option of S3", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return map[string]any{"source": w.gitSource(map[string]any{"secret_key": hostileSecretKey}, nil)}
	}, want: `check: unknown key "source.options.secret_key"`}),
	Entry("out: an unknown params.options key on git", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.out(w.gitSource(nil, nil), map[string]any{"metalink": "good.meta4", "options": map[string]any{"colour": "blue"}})
	}, want: `out: unknown key "params.options.colour"`}),
	Entry("out: a params.options key in another case", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.out(w.gitSource(nil, nil), map[string]any{"metalink": "good.meta4", "options": map[string]any{"Message": "x"}})
	}, want: `out: unknown key "params.options.Message" (did you mean "message"?)`}),
	Entry("out: an unknown params key", hostileRepo{command: "out", request: putting(nil, map[string]any{"renam": "x"}), want: `out: unknown key "params.renam"`}),
	Entry("out: a params key in another case", hostileRepo{command: "out", request: putting(nil, map[string]any{"Metalink": "good.meta4"}),
		want: `out: unknown key "params.Metalink" (did you mean "metalink"?)`}),
	Entry("in: a params key of out", hostileRepo{command: "in", request: gettingWith(nil, map[string]any{"rename": "x"}), want: `in: unknown key "params.rename"`}),
	Entry("check: an unknown mirror_files key", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/{{.Name}}", map[string]any{"destinaton": "x"})),
		want: `check: unknown key "source.mirror_files[0].destinaton"`}),
	Entry("check: a mirror_files key in another case", hostileRepo{command: "check", request: checkingWith(map[string]any{"mirror_files": []any{map[string]any{"Destination": "file:///m/x"}}}),
		want: `check: unknown key "source.mirror_files[0].Destination" (did you mean "destination"?)`}),
	Entry("check: an unknown mirror_files env key", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/{{.Name}}", map[string]any{"env": map[string]any{"AWS_SECRET_ACCESS_KEY": hostileEnvSecret, "AWS_REGION": "x"}})),
		want: `check: unknown key "source.mirror_files[0].env.AWS_REGION"`}),
	Entry("check: an env key in another case", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/{{.Name}}", map[string]any{"env": map[string]any{"aws_secret_access_key": hostileEnvSecret}})),
		want: `check: unknown key "source.mirror_files[0].env.aws_secret_access_key" (did you mean "AWS_SECRET_ACCESS_KEY"?)`}),
	Entry("check: an env key twice", hostileRepo{command: "check",
		request: rawRequest(`{"source":{"uri":"file:///srv/m","mirror_files":[{"destination":"file:///m/x","env":{"AWS_SECRET_ACCESS_KEY":"` + hostileEnvSecret + `","AWS_SECRET_ACCESS_KEY":"x"}}]}}`),
		want:    `check: duplicate key "source.mirror_files[0].env.AWS_SECRET_ACCESS_KEY"`}),
	Entry("check: an unknown filters key", hostileRepo{command: "check", request: checkingWith(map[string]any{"filters": []any{map[string]any{"axiom": "x"}}}),
		want: `check: unknown key "source.filters[0].axiom"`}),
	Entry("check: an unknown url_handlers options key", hostileRepo{command: "check", request: checkingWith(map[string]any{"url_handlers": []any{map[string]any{"type": "s3", "options": map[string]any{"endpoint": "x"}}}}),
		want: `check: unknown key "source.url_handlers[0].options.endpoint"`}),
	Entry("in: an unknown version key", hostileRepo{command: "in", request: func(w *hostileWorld) any {
		req := w.in(nil, nil)
		req["version"] = map[string]any{"version": "1.0.0", "path": "v1.0.0.meta4"}
		return req
	}, want: `in: unknown key "version.path"`}),

	// Types and null in every typed key.
	Entry("check: uri is a number", hostileRepo{command: "check", request: checkingWith(map[string]any{"uri": 5}), want: `check: source.uri: expected a string, got a number`}),
	Entry("check: uri is null", hostileRepo{command: "check", request: rawRequest(`{"source":{"uri":null}}`), want: `check: source.uri: expected a string, got null`}),
	Entry("check: options is a list", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return map[string]any{"source": w.gitSource(nil, map[string]any{"options": []any{"password"}})}
	}, want: `check: source.options: expected a map, got a list`}),
	Entry("check: rebase is a list", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return map[string]any{"source": w.gitSource(map[string]any{"rebase": []any{3}}, nil)}
	}, want: `check: source.options.rebase: expected a number or a string, got a list`}),
	Entry("check: rebase is negative", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return map[string]any{"source": w.gitSource(map[string]any{"rebase": -1}, nil)}
	}, want: `check: source.options.rebase: "-1" is not a whole number (a number of retries)`}),
	Entry("check: private_key is a number", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return map[string]any{"source": w.gitSource(map[string]any{"private_key": 42}, nil)}
	}, want: `check: source.options.private_key: expected a string, got a number`}),
	Entry("check: known_hosts is a boolean", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return map[string]any{"source": w.gitSource(map[string]any{"known_hosts": true}, nil)}
	}, want: `check: source.options.known_hosts: expected a string, got a boolean`}),
	Entry("check: disable_ssl is maybe", hostileRepo{command: "check", request: checkingURI("s3://127.0.0.1:1/bucket/releases", map[string]any{"disable_ssl": "maybe"}),
		want: `check: source.options.disable_ssl: expected true or false`}),
	Entry("check: mirror_files is a map", hostileRepo{command: "check", request: checkingWith(map[string]any{"mirror_files": map[string]any{"destination": "file:///m/x"}}),
		want: `check: source.mirror_files: expected a list, got a map`}),
	Entry("check: a mirror_files entry is a string", hostileRepo{command: "check", request: checkingWith(map[string]any{"mirror_files": []any{"file:///m/x"}}),
		want: `check: source.mirror_files[0]: expected a map, got a string`}),
	Entry("check: a destination is null", hostileRepo{command: "check", request: checkingWith(map[string]any{"mirror_files": []any{map[string]any{"destination": nil}}}),
		want: `check: source.mirror_files[0].destination: expected a string, got null`}),
	Entry("check: a mirror url is a number", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/x", map[string]any{"url": 8080})),
		want: `check: source.mirror_files[0].url: expected a string, got a number`}),
	Entry("check: env is a string", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/x", map[string]any{"env": "AWS_SECRET_ACCESS_KEY=" + hostileEnvSecret})),
		want: `check: source.mirror_files[0].env: expected a map, got a string`}),
	Entry("check: an env secret is a number", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/x", map[string]any{"env": map[string]any{"AWS_SECRET_ACCESS_KEY": 12345678}})),
		want: `check: source.mirror_files[0].env.AWS_SECRET_ACCESS_KEY: expected a string, got a number`}),
	Entry("check: a mirror priority is a boolean", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/x", map[string]any{"priority": true})),
		want: `check: source.mirror_files[0].priority: expected a number or a string, got a boolean`}),
	Entry("check: a mirror priority is negative", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/x", map[string]any{"priority": -3})),
		want: `check: source.mirror_files[0].priority: "-3" is not a whole number`}),
	Entry("check: filters is a map", hostileRepo{command: "check", request: checkingWith(map[string]any{"filters": map[string]any{"fileversion": "1.x"}}),
		want: `check: source.filters: expected a list, got a map`}),
	Entry("check: a filters entry is a list", hostileRepo{command: "check", request: checkingWith(map[string]any{"filters": []any{[]any{"fileversion"}}}),
		want: `check: source.filters[0]: expected a map, got a list`}),
	Entry("check: a repositorypath is null", hostileRepo{command: "check", request: checkingWith(map[string]any{"filters": []any{map[string]any{"repositorypath": nil}}}),
		want: `check: source.filters[0]: expected exactly one key, fileversion or repositorypath`}),
	Entry("check: skip_signature_verification is a number", hostileRepo{command: "check", request: checkingWith(map[string]any{"skip_signature_verification": 1}),
		want: `check: source.skip_signature_verification: expected true or false, got a number`}),
	Entry("out: params is a list", hostileRepo{command: "out", request: func(w *hostileWorld) any { return w.out(w.source(nil), []any{"good.meta4"}) },
		want: `out: params: expected a map, got a list`}),
	Entry("out: params.files is a string", hostileRepo{command: "out", request: putting(nil, map[string]any{"metalink": nil, "files": "dist/*", "version": "version"}),
		want: `out: params.files: expected a list, got a string`}),
	Entry("out: a params.files entry is a number", hostileRepo{command: "out", request: putting(nil, map[string]any{"metalink": nil, "files": []any{1}, "version": "version"}),
		want: `out: params.files[0]: expected a string, got a number`}),
	Entry("out: rename is a number", hostileRepo{command: "out", request: putting(nil, map[string]any{"rename": 1}), want: `out: params.rename: expected a string, got a number`}),
	Entry("out: params.options is a string", hostileRepo{command: "out", request: putting(nil, map[string]any{"options": "rebase=3"}),
		want: `out: params.options: expected a map, got a string (file repositories take no options)`}),
	Entry("out: params.metalink is a list", hostileRepo{command: "out", request: putting(nil, map[string]any{"metalink": []any{"good.meta4"}}),
		want: `out: params.metalink: expected a string, got a list`}),
	Entry("out: params.version is a number", hostileRepo{command: "out", request: putting(nil, map[string]any{"metalink": nil, "files": []any{"dist/*"}, "version": 1.0}),
		want: `out: params.version: expected a string, got a number`}),
	Entry("in: skip_download is the string true", hostileRepo{command: "in", request: gettingWith(nil, map[string]any{"skip_download": "true"}),
		want: `in: params.skip_download: expected true or false, got a string`}),
	Entry("in: a version that is a number", hostileRepo{command: "in", request: func(w *hostileWorld) any {
		req := w.in(nil, nil)
		req["version"] = map[string]any{"version": 1}
		return req
	}, want: `in: version.version: expected a string, got a number`}),
	Entry("in: version null", hostileRepo{command: "in", request: func(w *hostileWorld) any {
		req := w.in(nil, nil)
		req["version"] = nil
		return req
	}, want: `in: version.version is required`}),

	// source.uri of every scheme.
	Entry("check: file:// without a path", hostileRepo{command: "check", request: checkingURI("file://", nil),
		want: `check: source.uri "file://": the path is empty: expected file:///ABSOLUTE/PATH or file://./RELATIVE/PATH`}),
	Entry("check: the root directory", hostileRepo{command: "check", request: checkingURI("file:///", nil),
		want: `check: source.uri "file:///": the path is the root directory /: name the directory that holds the metalinks`}),
	Entry("check: a relative path that climbs to the root", hostileRepo{command: "check", request: checkingURI("file://./"+strings.Repeat("../", 40), nil),
		want: `check: source.uri "file://./` + strings.Repeat("../", 40) + `": the path is the root directory /: name the directory that holds the metalinks`}),
	Entry("check: an absolute path that climbs to the root", hostileRepo{command: "check", request: checkingURI("file:///srv/../..", nil),
		want: `check: source.uri "file:///srv/../..": the path is the root directory /: name the directory that holds the metalinks`}),
	Entry("check: a bad percent-encoding", hostileRepo{command: "check", request: checkingURI("file:///srv/%zz", nil),
		want: `check: source.uri "file:///srv/%zz": bad percent-encoding: invalid URL escape "%zz"`}),
	Entry("check: options for a file repository", hostileRepo{command: "check", request: checkingURI("file:///srv/m", map[string]any{"password": hostileOptionPass}),
		want: `check: unknown key "source.options.password" (file repositories take no options)`}),
	Entry("check: git+ssh on port 0", hostileRepo{command: "check", request: checkingURI("git+ssh://git@127.0.0.1:0/r.git", map[string]any{"private_key": hostilePrivateKey}),
		want: `check: source.uri "git+ssh://git@127.0.0.1:0/r.git": git+ssh uri has an invalid port "0" (expected 1 to 65535)`}),
	Entry("check: git+ssh on port 70000", hostileRepo{command: "check", request: checkingURI("git+ssh://git@127.0.0.1:70000/r.git", map[string]any{"private_key": hostilePrivateKey}),
		want: `check: source.uri "git+ssh://git@127.0.0.1:70000/r.git": git+ssh uri has an invalid port "70000" (expected 1 to 65535)`}),
	Entry("check: git+ssh with a password", hostileRepo{command: "check", request: checkingURI("git+ssh://git:"+hostileOptionPass+"@127.0.0.1:22/r.git", map[string]any{"private_key": hostilePrivateKey}),
		want: `check: source.uri "git+ssh://[redacted]@127.0.0.1:22/r.git": git+ssh uri cannot carry a password: put the private key in options.private_key`}),
	Entry("check: git+ssh without a private key", hostileRepo{command: "check", request: checkingURI("git+ssh://git@127.0.0.1:22/r.git", map[string]any{"password": hostileOptionPass}),
		want: `check: open repository: source.options.private_key is required for git+ssh`}),
	Entry("check: git+ssh with a private key that is no key", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return checkingURI("git+ssh://git@"+world.gitSSH.Addr()+"/r.git", map[string]any{"private_key": hostilePrivateKey})(w)
	}, want: `check: open repository: source.options.private_key: ssh: no key found`}),
	Entry("check: git+https without a host", hostileRepo{command: "check", request: checkingURI("git+https://ci:"+hostileOptionPass+"@/r.git", nil),
		want: `check: source.uri "git+https://[redacted]@/r.git": https uri has no host`}),
	Entry("check: git+http with a password, refused", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return checkingURI("git+http://ci:"+hostileOptionPass+"@"+w.dead+"/r.git", nil)(w)
	}, want: `check: list refs of http://{dead}/r.git: Get "http://{dead}/r.git/info/refs?service=git-upload-pack": dial tcp {dead}: connect: connection refused`}),
	Entry("check: git+http with a wrong password", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		uri := strings.Replace(w.gitRepo().httpURI(), gitPassword, hostileOptionPass, 1)
		return checkingURI(uri, nil)(w)
	}, want: `check: list refs of http://{git}/{gitname}: authentication required: authentication required : check the credentials (uri userinfo or source.options.username/password)`}),
	Entry("check: git+http with a newline in the path", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return checkingURI("git+http://ci:"+hostileOptionPass+"@"+w.dead+"/r\nrepo.git", nil)(w)
	}, want: `check: list refs of http://{dead}/r%0Arepo.git: parse "http://{dead}/r\nrepo.git/info/refs?service=git-upload-pack": net/url: invalid control character in URL`}),
	Entry("check: git:// refused", hostileRepo{command: "check", request: func(w *hostileWorld) any { return checkingURI("git://"+w.dead+"/r.git", nil)(w) },
		want: `check: list refs of git://{dead}/r.git: dial tcp {dead}: connect: connection refused`}),
	Entry("check: git+file:// without a path", hostileRepo{command: "check", request: checkingURI("git+file://", nil),
		want: `check: source.uri "git+file://": uri has no repository path`}),
	Entry("check: git+file:// that does not exist", hostileRepo{command: "check", request: checkingURI("git+file:///nonexistent/r.git", nil),
		want: `check: list refs of file:///nonexistent/r.git: repository not found`}),
	Entry("check: a git branch that does not exist", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return checkingURI(w.gitRepo().httpURI()+"#no-such-branch", nil)(w)
	}, want: `check: branch "no-such-branch" does not exist in http://{git}/{gitname}`}),
	Entry("out: a glob in the git sub-path", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		src := w.gitSource(nil, nil) // refused before any file is copied to the mirrors
		src["uri"] = strings.TrimSuffix(w.gitRepo().httpURI(), "//metalinks") + "//releases/*"
		return w.out(src, map[string]any{"metalink": "good.meta4"})
	}, want: `out: publish v1.0.0.meta4 to git+http://[redacted]@{git}/{gitname}//releases/*: cannot store "v1.0.0.meta4" under the sub-path glob "releases/*": the uri's //sub/path must name one directory to write to`}),
	Entry("check: s3 without a bucket", hostileRepo{command: "check", request: checkingURI("s3://127.0.0.1:1", nil),
		want: `check: source.uri: s3 url "s3://127.0.0.1:1": expected s3://HOST[:PORT]/BUCKET/KEY (a bucket followed by /)`}),
	Entry("check: s3 without a host", hostileRepo{command: "check", request: checkingURI("s3:///bucket/releases", nil),
		want: `check: source.uri: s3 url "s3:///bucket/releases": missing host`}),
	Entry("check: s3 with credentials in the uri, refused", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return checkingURI("s3://"+hostileAccessKey+":"+hostileOptionPass+"@"+w.dead+"/bucket/releases", map[string]any{"disable_ssl": true})(w)
	}, want: `check: list s3://{dead}/bucket/releases/: dial tcp {dead}: connect: connection refused`}),
	Entry("check: s3 with options secrets, refused", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return checkingURI("s3://"+w.dead+"/bucket/releases", map[string]any{"access_key": hostileAccessKey, "secret_key": hostileSecretKey, "disable_ssl": true})(w)
	}, want: `check: list s3://{dead}/bucket/releases/: dial tcp {dead}: connect: connection refused`}),
	Entry("check: an s3 bucket that does not exist", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return checkingURI(world.s3.URL("no-such-bucket", "releases"), world.s3.Options())(w)
	}, want: `check: list s3://{s3}/no-such-bucket/releases/: not found (NoSuchBucket: The specified bucket does not exist.)`}),
	Entry("check: http without a host", hostileRepo{command: "check", request: checkingURI("http:///index.xml", nil),
		want: `check: source.uri "http:///index.xml": expected http(s)://HOST/PATH of a repository index`}),
	Entry("check: an http index that answers 404", hostileRepo{command: "check", request: func(w *hostileWorld) any { return checkingURI(w.url("404"), nil)(w) },
		want: `check: list http://[redacted]@{host}/404/payload.tgz: server answered 404 Not Found`}),
	Entry("check: an http index that answers 500", hostileRepo{command: "check", request: func(w *hostileWorld) any { return checkingURI(w.url("500"), nil)(w) },
		want: `check: list http://[redacted]@{host}/500/payload.tgz: server answered 500 Internal Server Error`}),
	Entry("check: an http index that is an HTML page", hostileRepo{command: "check", request: func(w *hostileWorld) any { return checkingURI(w.url("html"), nil)(w) },
		want: `check: list http://[redacted]@{host}/html/payload.tgz: index: root element is <html>, expected <repository>`}),
	Entry("check: an http index that redirects to file:///etc/passwd", hostileRepo{command: "check", request: func(w *hostileWorld) any { return checkingURI(w.url("tofile"), nil)(w) },
		want: `check: list http://[redacted]@{host}/tofile/payload.tgz: unsupported protocol scheme "file"`}),
	Entry("check: an http index behind a redirect loop", hostileRepo{command: "check", request: func(w *hostileWorld) any { return checkingURI(w.url("loop"), nil)(w) },
		want: `check: list http://[redacted]@{host}/loop/payload.tgz: stopped after 10 redirects`}),
	Entry("check: an unknown scheme", hostileRepo{command: "check", request: checkingURI("gopher://host/"+hostileOptionPass, map[string]any{"password": hostileOptionPass}),
		want: `check: source.uri "gopher://host/[redacted]": unknown scheme "gopher" (expected file, git+file, git+http(s), git+ssh, s3, http or https)`}),
	Entry("check: ftp, which downloads take but repositories do not", hostileRepo{command: "check", request: checkingURI("ftp://host/metalinks", nil),
		want: `check: source.uri "ftp://host/metalinks": unknown scheme "ftp" (expected file, git+file, git+http(s), git+ssh, s3, http or https)`}),
	Entry("check: no scheme", hostileRepo{command: "check", request: checkingURI("/srv/metalinks", nil),
		want: `check: source.uri "/srv/metalinks": expected SCHEME://…`}),
	Entry("check: a scp-style git address", hostileRepo{command: "check", request: checkingURI("git@github.com:acme/mirrors.git", nil),
		want: `check: source.uri "git@github.com:acme/mirrors.git": expected SCHEME://…`}),
	Entry("check: a leading space", hostileRepo{command: "check", request: checkingURI(" file:///srv", nil),
		want: `check: source.uri " file:///srv": unknown scheme " file" (expected file, git+file, git+http(s), git+ssh, s3, http or https)`}),
	Entry("check: an escape sequence in an http uri", hostileRepo{command: "check", request: checkingURI("http://ci:"+hostileOptionPass+"@127.0.0.1:1/\x1b[31mindex.xml", nil),
		want: `check: source.uri "http://[redacted]@127.0.0.1:1/\x1b[31mindex.xml": expected http(s)://HOST/PATH of a repository index`}),
	Entry("check: a NUL in a git uri", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		return checkingURI("git+http://ci:"+hostileOptionPass+"@"+w.dead+"/r\x00.git", nil)(w)
	}, want: `check: list refs of http://{dead}/r%00.git: parse "http://{dead}/r\x00.git/info/refs?service=git-upload-pack": net/url: invalid control character in URL`}),
	Entry("out: an http repository, which is read-only", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		// Refused before any file is copied to the mirrors.
		return w.out(w.source(map[string]any{"uri": w.url("ok")}), map[string]any{"metalink": "good.meta4"})
	}, want: `out: publish v1.0.0.meta4 to http://[redacted]@{host}/ok/payload.tgz: http repository is read-only: put is not supported`}),

	// Templates.
	Entry("check: a destination that does not parse", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/{{.Name", nil)),
		want: `check: source.mirror_files[0].destination: line 1: unclosed action`}),
	Entry("check: a destination with an unknown field", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/{{.Filename}}", nil)),
		want: `check: source.mirror_files[0].destination: unknown field .Filename (the fields are {{.Name}}, {{.Version}}, {{.Size}}, {{.MD5}}, {{.SHA1}}, {{.SHA256}}, {{.SHA512}}, {{.Hashes}} and {{.URLs}})`}),
	Entry("check: a destination whose function fails", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/{{index .Name 99}}", nil)),
		want: `check: source.mirror_files[0].destination: line 1: at <index .Name 99>: error calling index: index out of range: 99`}),
	Entry("check: a destination calling a function that does not exist", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/{{exec .Name}}", nil)),
		want: `check: source.mirror_files[0].destination: line 1: function "exec" not defined`}),
	Entry("check: a destination that renders empty", hostileRepo{command: "check", request: checkingWith(mirrorTo("{{if false}}file:///m{{end}}", nil)),
		want: `check: source.mirror_files[0].destination rendered an empty destination for example-1.0.0.tgz`}),
	Entry("check: a destination that is no s3, file or ftp URL", hostileRepo{command: "check", request: checkingWith(mirrorTo("https://cdn.example.com/{{.Name}}", nil)),
		want: `check: source.mirror_files[0].destination: destination "https://cdn.example.com/example-1.0.0.tgz": expected an s3://, file:// or ftp:// URL`}),
	Entry("check: a destination of a bare name", hostileRepo{command: "check", request: checkingWith(mirrorTo("{{.Name}}", nil)),
		want: `check: source.mirror_files[0].destination: destination "example-1.0.0.tgz": expected an s3://, file:// or ftp:// URL`}),
	Entry("check: a file destination at the root", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///", nil)),
		want: `check: source.mirror_files[0].destination: destination "file:///" names a directory, not a file`}),
	Entry("check: an s3 destination without a key", hostileRepo{command: "check", request: checkingWith(mirrorTo("s3://127.0.0.1:1/bucket", nil)),
		want: `check: source.mirror_files[0].destination: s3 url "s3://127.0.0.1:1/bucket": expected s3://HOST[:PORT]/BUCKET/KEY (a bucket followed by /)`}),
	Entry("check: a url template with an unknown field", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/{{.Name}}", map[string]any{"url": "https://cdn/{{.Sha256}}"})),
		want: `check: source.mirror_files[0].url: unknown field .Sha256 (the fields are {{.Name}}, {{.Version}}, {{.Size}}, {{.MD5}}, {{.SHA1}}, {{.SHA256}}, {{.SHA512}}, {{.Hashes}} and {{.URLs}})`}),
	Entry("check: a url template that does not parse", hostileRepo{command: "check", request: checkingWith(mirrorTo("file:///m/{{.Name}}", map[string]any{"url": "https://cdn/{{end}}"})),
		want: `check: source.mirror_files[0].url: line 1: unexpected {{end}}`}),
	Entry("out: a rename that climbs out", hostileRepo{command: "out", request: putting(nil, map[string]any{"rename": "../v{{.Version}}.meta4"}),
		want: `out: params.rename: unsafe file name "../v1.0.0.meta4": contains a ".." segment`}),
	Entry("out: a rename into the records directory", hostileRepo{command: "out", request: putting(nil, map[string]any{"rename": ".resource/{{.Version}}.meta4"}),
		want: `out: params.rename: ".resource/1.0.0.meta4": .resource/ is reserved for the resource's own records`}),
	Entry("out: an absolute rename", hostileRepo{command: "out", request: putting(nil, map[string]any{"rename": "/etc/{{.Version}}.meta4"}),
		want: `out: params.rename: unsafe file name "/etc/1.0.0.meta4": is an absolute path`}),
	Entry("out: a rename that renders empty", hostileRepo{command: "out", request: putting(nil, map[string]any{"rename": "{{if false}}x{{end}}"}),
		want: `out: params.rename: unsafe file name "": it is empty`}),
	Entry("out: a rename with an unknown field", hostileRepo{command: "out", request: putting(nil, map[string]any{"rename": "{{.Name}}.meta4"}),
		want: `out: params.rename: unknown field .Name (the fields are {{.Version}})`}),
	Entry("out: a rename that does not parse", hostileRepo{command: "out", request: putting(nil, map[string]any{"rename": "{{.Version"}),
		want: `out: params.rename: line 1: unclosed action`}),
	Entry("out: a rename whose function fails", hostileRepo{command: "out", request: putting(nil, map[string]any{"rename": "{{index .Version 99}}"}),
		want: `out: params.rename: line 1: at <index .Version 99>: error calling index: index out of range: 99`}),
	Entry("out: a rename climbing through the version", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		w.build.write("climbing.json", []byte(`{"files":[{"name":"a.tgz","version":"../../etc/cron.d/x"}]}`))
		return w.out(w.source(nil), map[string]any{"metalink": "climbing.json"})
	}, want: `out: params.metalink {build}/climbing.json: its first file "a.tgz": invalid version "../../etc/cron.d/x": invalid semantic version, so check could never report it`}),
	Entry("out: a rename with a backslash", hostileRepo{command: "out", request: putting(nil, map[string]any{"rename": `releases\{{.Version}}.meta4`}),
		want: `out: params.rename: unsafe file name "releases\\1.0.0.meta4": contains a backslash`}),
	Entry("out: a rename_from_file that climbs out", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		w.build.write("name", []byte("../../{{.Version}}.meta4\n"))
		return putting(nil, map[string]any{"rename_from_file": "name"})(w)
	}, want: `out: params.rename_from_file: unsafe file name "../../1.0.0.meta4": contains a ".." segment`}),
	Entry("out: a rename_from_file that does not exist", hostileRepo{command: "out", request: putting(nil, map[string]any{"rename_from_file": "no-such-file"}),
		want: `out: params.rename_from_file: open {build}/no-such-file: no such file or directory`}),

	// Regexes and globs.
	Entry("check: an include regex that does not compile", hostileRepo{command: "check", request: checkingWith(map[string]any{"url_handlers": []any{map[string]any{"type": "s3", "include": []string{"("}}}}),
		want: "check: source.url_handlers[0].include[0]: bad regex: error parsing regexp: missing closing ): `(`"}),
	Entry("check: an exclude regex that does not compile", hostileRepo{command: "check", request: checkingWith(map[string]any{"url_handlers": []any{map[string]any{"type": "s3", "exclude": []string{`\8`}}}}),
		want: "check: source.url_handlers[0].exclude[0]: bad regex: error parsing regexp: invalid escape sequence: `\\8`"}),
	Entry("check: an include_files glob that is malformed", hostileRepo{command: "check", request: checkingWith(map[string]any{"include_files": []string{"[a-"}}),
		want: `check: source.include_files[0]: bad pattern "[a-": syntax error in pattern`}),
	Entry("check: an exclude_files glob that is malformed", hostileRepo{command: "check", request: checkingWith(map[string]any{"exclude_files": []string{"*.tgz", "[]"}}),
		want: `check: source.exclude_files[1]: bad pattern "[]": syntax error in pattern`}),
	Entry("in: a params.include_files glob that is malformed", hostileRepo{command: "in", request: gettingWith(nil, map[string]any{"include_files": []string{"[z"}}),
		want: `in: params.include_files[0]: bad pattern "[z": syntax error in pattern`}),
	Entry("check: a repositorypath glob that is malformed", hostileRepo{command: "check", request: checkingWith(map[string]any{"filters": []any{map[string]any{"repositorypath": "stable/["}}}),
		want: `check: source.filters[0]: repositorypath: bad pattern: syntax error in pattern`}),
	Entry("check: a fileversion that is no constraint", hostileRepo{command: "check", request: checkingWith(map[string]any{"filters": []any{map[string]any{"fileversion": "newest"}}}),
		want: `check: source.filters[0]: fileversion: invalid version constraint "newest": improper constraint: "newest"`}),
	Entry("out: a params.files glob that is malformed", hostileRepo{command: "out", request: putting(nil, map[string]any{"metalink": nil, "files": []any{"dist/[.tgz"}, "version": "version"}),
		want: `out: params.files[0]: bad glob "dist/[.tgz": syntax error in pattern`}),
	Entry("out: a params.metalink glob that is malformed", hostileRepo{command: "out", request: putting(nil, map[string]any{"metalink": "given/[.meta4"}),
		want: `out: params.metalink: bad glob "given/[.meta4": syntax error in pattern`}),
	Entry("out: a params.files glob matching nothing", hostileRepo{command: "out", request: putting(nil, map[string]any{"metalink": nil, "files": []any{"dist/*", "nothing/*"}, "version": "version"}),
		want: `out: params.files[1]: no file matches "nothing/*"`}),
	Entry("out: a params.files glob matching a directory", hostileRepo{command: "out", request: putting(nil, map[string]any{"metalink": nil, "files": []any{"dis?"}, "version": "version"}),
		want: `out: params.files[0]: {build}/dist is not a regular file`}),
	Entry("out: params.files matching two files of one name", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		w.build.write("other/app.tgz", []byte("another app"))
		return putting(nil, map[string]any{"metalink": nil, "files": []any{"dist/*", "other/*"}, "version": "version"})(w)
	}, want: `out: params.files: duplicate file name "app.tgz"`}),
	Entry("out: a params.metalink glob matching two", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		w.build.write("other.meta4", []byte(marshal(metalink.Metalink{Files: []metalink.File{w.file("ok")}})))
		return putting(nil, map[string]any{"metalink": "*.meta4"})(w)
	},
		want: `out: params.metalink: 2 files match "*.meta4", expected exactly one`}),
	Entry("out: a version file with only white space", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		w.build.write("blank", []byte(" \n\t\n"))
		return putting(nil, map[string]any{"metalink": nil, "files": []any{"dist/*"}, "version": "blank"})(w)
	}, want: `out: params.version: blank is empty`}),
	Entry("out: a version file that is no version", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		w.build.write("bad-version", []byte("<html>502</html>\n"))
		return putting(nil, map[string]any{"metalink": nil, "files": []any{"dist/*"}, "version": "bad-version"})(w)
	}, want: `out: params.version: invalid version "<html>502</html>": invalid semantic version`}),

	// Metalinks with unsafe, reserved or clashing names, and other faults, given to out.
	Entry("out: a name that climbs out", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "../x" })
	}, want: `out: params.metalink {build}/given.meta4: unsafe file name "../x": contains a ".." segment`}),
	Entry("out: an absolute name", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "/abs/x" })
	}, want: `out: params.metalink {build}/given.meta4: unsafe file name "/abs/x": is an absolute path`}),
	Entry("out: a name that climbs out deeper down", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "a/../../b" })
	}, want: `out: params.metalink {build}/given.meta4: unsafe file name "a/../../b": contains a ".." segment`}),
	Entry("out: a name with a backslash", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = `a\b` })
	}, want: `out: params.metalink {build}/given.meta4: unsafe file name "a\\b": contains a backslash`}),
	Entry("out: a name with a NUL byte", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "a\x00b" })
	}, want: `out: params.metalink {build}/given.meta4: unsafe file name "a\x00b": contains the control or invisible character U+0000`}),
	Entry("out: a Windows path", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = `C:\x` })
	}, want: `out: params.metalink {build}/given.meta4: unsafe file name "C:\\x": contains a backslash`}),
	Entry("out: a name inside the records directory", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = ".resource/x" })
	}, want: `out: params.metalink {build}/given.meta4: file name ".resource/x": .resource/ is reserved for the resource's own records`}),
	Entry("out: an empty name", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Name = "" })
	}, want: `out: params.metalink {build}/given.meta4: unsafe file name "": it is empty`}),
	Entry("out: a name another needs as a directory", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		inner := w.file("ok")
		inner.Name = "payload.tgz/b"
		return w.publishingFiles(w.file("ok"), inner)
	}, want: `out: params.metalink {build}/given.meta4: file name "payload.tgz/b" needs "payload.tgz" to be a directory, but it is also a file`}),
	Entry("out: the same name twice", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.publishingFiles(w.file("ok"), w.file("ok"))
	}, want: `out: params.metalink {build}/given.meta4: duplicate file name "payload.tgz"`}),
	Entry("out: a first file without a version", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Version = "" })
	}, want: `out: params.metalink {build}/given.meta4: its first file "payload.tgz" has no version, which is the version check reports`}),
	Entry("out: two JSON documents", hostileRepo{command: "out", request: rawOut(`{"files":[{"name":"a","version":"1"}]}{"files":[]}`), want: `out: params.metalink {build}/given.meta4: metalink JSON: several documents: expected exactly one JSON object, found another after it`}),
	Entry("out: an HTML page", hostileRepo{command: "out", request: rawOut(hostileserver.HTMLPage), want: `out: params.metalink {build}/given.meta4: metalink XML: root element is <html>, expected <metalink>`}),
	Entry("out: a metalink without files", hostileRepo{command: "out", request: rawOut(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"/>`), want: `out: params.metalink {build}/given.meta4: metalink has no files`}),
	Entry("out: a file of no URL to mirror from", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.URLs = nil })
	}, want: `out: mirror payload.tgz: the metalink gives no URL to copy it from`}),
	Entry("out: only unknown hash types", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Hashes = []metalink.Hash{{Type: "blake3", Hash: "abcd"}} })
	}, want: `out: mirror payload.tgz: no supported hash type among "blake3" (supported: sha-512, sha-256, sha-1, md5); set skip_hash_verification to download it unverified`}),
	Entry("out: a hash of the wrong length", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		return w.spoiled("ok", func(f *metalink.File) { f.Hashes[0].Hash = "abcd" })
	}, want: `out: mirror payload.tgz: sha-256 hash "abcd" is not 64 hex digits`}),
	Entry("in: a stored metalink with a name that climbs out", hostileRepo{command: "in", request: func(w *hostileWorld) any {
		f := w.file("ok")
		f.Name = "../../escaped.tgz"
		Expect(os.WriteFile(filepath.Join(w.repo, "v1.0.0.meta4"), []byte(marshal(metalink.Metalink{Files: []metalink.File{f}})), 0o644)).To(Succeed())
		return w.in(nil, nil)
	}, want: `in: metalink v1.0.0.meta4: unsafe file name "../../escaped.tgz": contains a ".." segment`}),
	Entry("in: a stored metalink with a name in the records directory", hostileRepo{command: "in", request: func(w *hostileWorld) any {
		f := w.file("ok")
		f.Name = ".resource/metalink.meta4"
		Expect(os.WriteFile(filepath.Join(w.repo, "v1.0.0.meta4"), []byte(marshal(metalink.Metalink{Files: []metalink.File{f}})), 0o644)).To(Succeed())
		return w.in(nil, nil)
	}, want: `in: metalink v1.0.0.meta4: file name ".resource/metalink.meta4": .resource/ is reserved for the resource's own records`}),
	Entry("check: a stored document that is an HTML page", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		Expect(os.WriteFile(filepath.Join(w.repo, "v2.0.0.meta4"), []byte(hostileserver.HTMLPage), 0o644)).To(Succeed())
		return w.check(nil)
	}, want: `check: list file://{repo}: parse {repo}/v2.0.0.meta4: metalink XML: root element is <html>, expected <metalink>`}),
	Entry("check: a stored document whose name holds a terminal escape", hostileRepo{command: "check", request: func(w *hostileWorld) any {
		Expect(os.WriteFile(filepath.Join(w.repo, "v2\x1b[2J.meta4"), []byte(hostileserver.HTMLPage), 0o644)).To(Succeed())
		return w.check(nil)
	}, want: `check: list file://{repo}: parse {repo}/v2\x1b[2J.meta4: metalink XML: root element is <html>, expected <metalink>`}),
	Entry("in: two stored documents of one version", hostileRepo{command: "in", request: func(w *hostileWorld) any {
		data, err := os.ReadFile(filepath.Join(w.repo, "v1.0.0.meta4"))
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(w.repo, "again.meta4"), data, 0o644)).To(Succeed())
		return w.in(nil, nil)
	}, want: `in: 2 metalinks for version 1.0.0 (again.meta4, v1.0.0.meta4): expected exactly one`}),
	Entry("in: a version that is not there", hostileRepo{command: "in", request: func(w *hostileWorld) any {
		req := w.in(nil, nil)
		req["version"] = map[string]any{"version": "9.9.9"}
		return req
	}, want: `in: no metalink for version 9.9.9 in file://{repo}`}),

	// Servers that lie, redirect, reset or serve HTML, for in and for out's copies.
	Entry("in: 404", hostileRepo{command: "in", request: func(w *hostileWorld) any { return w.storedThen("404") },
		want: `in: download payload.tgz: http://[redacted]@{host}/404/payload.tgz: 404 Not Found`}),
	Entry("in: an HTML login page with 200", hostileRepo{command: "in", request: func(w *hostileWorld) any { return w.storedThen("html") },
		want: `in: download payload.tgz: http://[redacted]@{host}/html/payload.tgz: size mismatch: expected 4096 bytes, the server announced 89`}),
	Entry("in: a corrupt copy", hostileRepo{command: "in", request: func(w *hostileWorld) any { return w.storedThen("corrupt") },
		want: `in: download payload.tgz: http://[redacted]@{host}/corrupt/payload.tgz: sha-256 mismatch: expected 0fa6496988e16f6a67d9e443b4ac75aa67c919aa7e570a049afd2710aa22e3ff, got d76685d13dbbb491c0913bc7fe19aceca85e777b96129285e649e190b4adecc3`}),
	Entry("out: a copy from a 404", hostileRepo{command: "out", request: func(w *hostileWorld) any { return w.spoiled("404", func(*metalink.File) {}) },
		want: `out: mirror payload.tgz: http://[redacted]@{host}/404/payload.tgz: 404 Not Found`}),
	Entry("out: a copy from an HTML page", hostileRepo{command: "out", request: func(w *hostileWorld) any { return w.spoiled("html", func(*metalink.File) {}) }, want: `out: mirror payload.tgz: http://[redacted]@{host}/html/payload.tgz: size mismatch: expected 4096 bytes, the server announced 89`}),
	Entry("out: a copy from a server announcing more bytes", hostileRepo{command: "out", request: func(w *hostileWorld) any { return w.spoiled("longer", func(*metalink.File) {}) }, want: `out: mirror payload.tgz: http://[redacted]@{host}/longer/payload.tgz: size mismatch: expected 4096 bytes, the server announced 4097`}),
	Entry("out: a copy from a server announcing fewer bytes", hostileRepo{command: "out", request: func(w *hostileWorld) any { return w.spoiled("shorter", func(*metalink.File) {}) }, want: `out: mirror payload.tgz: http://[redacted]@{host}/shorter/payload.tgz: size mismatch: expected 4096 bytes, the server announced 4095`}),
	Entry("out: a copy from a lying Content-Range", hostileRepo{command: "out", request: func(w *hostileWorld) any { return w.spoiled("range", func(*metalink.File) {}) }, want: `out: mirror payload.tgz: http://[redacted]@{host}/range/payload.tgz: asked for bytes from 0 on, the server sent bytes from 100 on`}),
	Entry("out: a copy behind a redirect loop", hostileRepo{command: "out", request: func(w *hostileWorld) any { return w.spoiled("loop", func(*metalink.File) {}) }, want: `out: mirror payload.tgz: http://[redacted]@{host}/loop/payload.tgz: redirect loop: http://[redacted]@{host}/loop/payload.tgz redirects back to itself`}),
	Entry("out: a copy redirected to file:///etc/passwd", hostileRepo{command: "out", request: func(w *hostileWorld) any { return w.spoiled("tofile", func(*metalink.File) {}) }, want: `out: mirror payload.tgz: http://[redacted]@{host}/tofile/payload.tgz: refused a redirect to file:///etc/passwd: only http and https redirects are followed`}),
	Entry("out: a corrupt copy to S3", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		w.spoiled("corrupt", func(*metalink.File) {})
		return w.out(w.s3Mirror("mirror/{{.Name}}"), map[string]any{"metalink": "given.meta4"})
	}, want: `out: mirror payload.tgz: http://[redacted]@{host}/corrupt/payload.tgz: sha-256 mismatch: expected 0fa6496988e16f6a67d9e443b4ac75aa67c919aa7e570a049afd2710aa22e3ff, got d76685d13dbbb491c0913bc7fe19aceca85e777b96129285e649e190b4adecc3`}),
	Entry("out: an S3 mirror named by a hash, into a bucket that does not exist", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		src := w.s3Mirror("x")
		src["mirror_files"] = []any{map[string]any{"destination": world.s3.URL("no-such-bucket", "by-hash/{{.SHA256}}")}}
		return w.out(src, map[string]any{"files": []any{"dist/*"}, "version": "version"})
	}, want: `out: mirror app.tgz: put s3://{s3}/no-such-bucket/by-hash/.metalink-upload-{token}: not found (NoSuchBucket: The specified bucket does not exist.)`}),
	Entry("out: an S3 mirror with a secret the server refuses", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		src := w.s3Mirror("by-hash/{{.SHA256}}")
		src["url_handlers"] = []any{world.s3Handler(hostileSecretKey)}
		return w.out(src, map[string]any{"files": []any{"dist/*"}, "version": "version"})
	}, want: `out: mirror app.tgz: head s3://{s3}/{bucket}/by-hash/67406a3d1eecc96b782471b19ad60a0d7ef5aa31539c356a8a21b99be6274034: access denied (Forbidden)`}),
	Entry("out: an S3 mirror with legacy env credentials, which cannot disable TLS", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		src := w.s3Mirror("x")
		src["url_handlers"] = nil
		src["mirror_files"] = []any{map[string]any{"destination": w.s3Bucket().url("{{.Name}}"),
			"env": map[string]any{"AWS_ACCESS_KEY_ID": s3server.AccessKey, "AWS_SECRET_ACCESS_KEY": hostileEnvSecret}}}
		delete(src, "url_handlers")
		return w.out(src, map[string]any{"files": []any{"dist/*"}, "version": "version"})
	}, want: `out: mirror app.tgz: head s3://{s3}/{bucket}/app.tgz: exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , HostID: , request send failed, Head "https://{s3}/{bucket}/app.tgz": http: server gave HTTP response to HTTPS client`}),
	Entry("out: a file mirror onto a directory", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		w.build.write("occupied/app.tgz/inner", []byte("a directory where the copy should go"))
		return w.out(w.source(mirrorTo("file://./occupied/{{.Name}}", nil)), map[string]any{"files": []any{"dist/*"}, "version": "version"})
	}, want: `out: mirror app.tgz: destination file://{build}/occupied/app.tgz exists and is not a regular file`}),
	Entry("out: a git remote that rejects the credentials", hostileRepo{command: "out", request: func(w *hostileWorld) any {
		src := w.gitSource(nil, map[string]any{"mirror_files": nil}) // a mirror would be written before the publish fails
		src["uri"] = strings.Replace(w.gitRepo().httpURI(), gitPassword, hostileOptionPass, 1)
		return w.out(src, map[string]any{"metalink": "good.meta4"})
	}, want: `out: publish v1.0.0.meta4 to git+http://[redacted]@{git}/{gitname}//metalinks: list refs of http://{git}/{gitname}: authentication required: authentication required : check the credentials (uri userinfo or source.options.username/password)`}),

	// Arguments.
	Entry("in: no destination", hostileRepo{command: "in", request: gettingWith(nil, nil), args: func(*hostileWorld) []string { return nil },
		want: `in: usage: in DIRECTORY (exactly one directory, got 0 arguments)`}),
	Entry("out: two build directories", hostileRepo{command: "out", request: putting(nil, nil), args: func(w *hostileWorld) []string { return []string{string(w.build), string(w.build)} },
		want: `out: usage: out DIRECTORY (exactly one directory, got 2 arguments)`}),
	Entry("check: an argument", hostileRepo{command: "check", request: checkingWith(nil), args: func(w *hostileWorld) []string { return []string{w.dest} },
		want: `check: usage: check takes no arguments, got 1`}),
}

// rawOut publishes text given as the metalink.
func rawOut(text string) func(*hostileWorld) any {
	return func(w *hostileWorld) any { return w.publishing(text) }
}

// storedThen is an in of the repository's v1.0.0, whose file is served by behaviour.
func (w *hostileWorld) storedThen(behaviour string) map[string]any {
	doc := metalink.Metalink{Files: []metalink.File{w.file(behaviour)}}
	Expect(os.WriteFile(filepath.Join(w.repo, "v1.0.0.meta4"), []byte(marshal(doc)), 0o644)).To(Succeed())
	return w.in(nil, nil)
}

var _ = Describe("the hostile corpus", func() {
	var w *hostileWorld

	BeforeEach(func() {
		content := outRandom(4096, 9)
		w = &hostileWorld{
			site:    hostileserver.Start(GinkgoT(), map[string][]byte{"payload.tgz": content}),
			content: content,
			repo:    GinkgoT().TempDir(),
			build:   newOutBuild(),
			mirror:  GinkgoT().TempDir(),
			dest:    filepath.Join(GinkgoT().TempDir(), "get"),
			dead:    deadAddress(),
		}
		Expect(os.WriteFile(filepath.Join(w.repo, "v1.0.0.meta4"), []byte(marshal(metalink.Metalink{Files: []metalink.File{w.file("ok")}})), 0o644)).To(Succeed())
		w.build.write("good.meta4", []byte(marshal(metalink.Metalink{Files: []metalink.File{w.file("ok")}})))
		w.build.write("version", []byte("1.0.0\n"))
		w.build.write("dist/app.tgz", []byte("app build"))
		Expect(os.Mkdir(w.dest, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(w.dest, "keep.txt"), []byte("the build's own file"), 0o644)).To(Succeed())
	})

	DescribeTable("fails with exit 1, one fatal line that says what, no secret, nothing written and nothing published",
		func(c hostileRepo) {
			request := c.request(w)
			head := ""
			if w.git != nil {
				head = w.git.Head(GinkgoT())
			}
			repoBefore := filetree.Snapshot(w.repo)
			var args []string
			switch {
			case c.args != nil:
				args = c.args(w)
			case c.command == "in":
				args = []string{w.dest}
			case c.command == "out":
				args = []string{string(w.build)}
			}
			binary := map[string]string{"check": bin.Check, "in": bin.In, "out": bin.Out}[c.command]
			r, elapsed := runHostile(binary, request, args...)

			bucket, gitName := "", ""
			if w.bucket != nil {
				bucket = string(*w.bucket)
			}
			if w.git != nil {
				gitName = w.git.Name
			}
			want := strings.NewReplacer("{host}", w.host(), "{dead}", w.dead, "{repo}", w.repo, "{build}", string(w.build),
				"{mirror}", w.mirror, "{bucket}", bucket, "{s3}", world.s3.Host, "{git}", strings.TrimPrefix(world.gitHTTP.URL, "http://"), "{gitname}", gitName).Replace(c.want)
			failure.Expect(failure.Run{Code: r.code, Stdout: string(r.stdout), Stderr: r.stderr}, c.command, want, hostileSecrets)
			Expect(elapsed).To(BeNumerically("<", 20*time.Second))

			entries, err := os.ReadDir(w.dest)
			Expect(err).NotTo(HaveOccurred())
			Expect(entries).To(HaveLen(1), "only the build's own file is left in the destination")
			Expect(filetree.Snapshot(w.repo)).To(Equal(repoBefore), "nothing published in the file repository")
			Expect(filetree.Snapshot(w.mirror)).To(BeEmpty(), "nothing copied to the file mirror")
			if w.git != nil {
				Expect(w.git.Head(GinkgoT())).To(Equal(head), "nothing published in the git repository")
			}
			if w.bucket != nil {
				Expect(w.bucket.isEmpty()).To(BeTrue(), "no object and no unfinished upload in the S3 mirror: %v", w.bucket.keys())
			}
		},
		hostileRepoCases,
	)
})

// runHostile runs binary with request on stdin (a string as it is), its own
// TMPDIR and args, and waits for it to exit.
func runHostile(binary string, request any, args ...string) (result, time.Duration) {
	GinkgoHelper()
	stdin, ok := request.(string)
	if !ok {
		data, err := json.Marshal(request)
		Expect(err).NotTo(HaveOccurred())
		stdin = string(data)
	}
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "TMPDIR="+GinkgoT().TempDir())
	start := time.Now()
	session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(session.Kill)
	Eventually(session).WithTimeout(time.Minute).Should(gexec.Exit())
	return result{code: session.ExitCode(), stdout: session.Out.Contents(), stderr: string(session.Err.Contents())}, time.Since(start)
}

// deadAddress is 127.0.0.1:PORT where nothing listens any more.
func deadAddress() string {
	GinkgoHelper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	address := listener.Addr().String()
	Expect(listener.Close()).To(Succeed())
	return address
}
