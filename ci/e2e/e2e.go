// Package e2e runs the whole loop the two resources are made for, with the
// real binaries, as a pipeline would: dynamic-metalink finds the newest
// release of an upstream download site, metalink-repository's out mirrors its
// file to S3 (versitygw) and to a directory and publishes the metalink to a
// git repository, and metalink-repository's check and in then find it and
// download it from the mirror while the upstream site is down.
//
// Everything listens on 127.0.0.1 and lives under one work directory.
package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// Binaries are the paths of the built commands.
type Binaries struct {
	DynamicCheck    string
	DynamicIn       string
	RepositoryCheck string
	RepositoryIn    string
	RepositoryOut   string
}

// Config is one run of the loop.
type Config struct {
	Binaries Binaries
	// WorkDir holds every directory and server root of the run; Run leaves
	// it in place for the caller to inspect and remove.
	WorkDir string
	// Log receives a line for each step and the commands' stderr.
	Log io.Writer
	// FileSize is the size of the upstream release file; 0: 6 MiB, so that
	// the S3 copy is a multipart upload.
	FileSize int
	// Timeout bounds each command; 0: 2 minutes.
	Timeout time.Duration
}

const (
	bucket      = "mirror"
	gitUser     = "ci"
	gitPassword = "e2e-git-password"
	newest      = "1.1.0"
)

var releases = []string{"1.0.0", newest}

// Run performs the loop and returns the first thing that went wrong. Every
// server and process it started is stopped before it returns.
func Run(ctx context.Context, cfg Config) (err error) {
	if cfg.FileSize == 0 {
		cfg.FileSize = 6 << 20
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Minute
	}
	env := newEnvironment(cfg.WorkDir)
	defer env.cleanup()
	defer env.recoverFatal(&err)
	loop := &loop{cfg: cfg, env: env, ctx: ctx}
	return loop.run()
}

// loop is the state the steps pass on to each other.
type loop struct {
	cfg      Config
	env      *environment
	ctx      context.Context
	upstream *httptest.Server
	content  map[string][]byte // release file name => bytes
	s3       *s3server.Server
	repo     *gitserver.Repo
	git      *gitserver.HTTPServer
	build    string // the put step's build directory
}

func (l *loop) run() error {
	steps := []struct {
		title string
		do    func() error
	}{
		{"start the upstream download site, versitygw and a git server", l.startServers},
		{"dynamic-metalink check: find the upstream's versions", l.dynamicCheck},
		{"dynamic-metalink in: fetch the metalink of " + newest + " (skip_download)", l.dynamicIn},
		{"metalink-repository out: mirror to S3 and a directory, publish to git", l.out},
		{"stop the upstream download site", l.stopUpstream},
		{"metalink-repository check: the published version is found", l.repositoryCheck},
		{"metalink-repository in: download " + newest + " from the mirror", l.repositoryIn},
	}
	for i, step := range steps {
		l.say("step %d/%d: %s", i+1, len(steps), step.title)
		if err := step.do(); err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, step.title, err)
		}
	}
	l.say("done: the release went upstream -> metalink -> S3 + directory mirror -> git -> download, verified")
	return nil
}

func (l *loop) say(format string, args ...any) {
	_, _ = fmt.Fprintf(l.cfg.Log, "e2e: "+format+"\n", args...)
}

func (l *loop) startServers() error {
	l.content = map[string][]byte{}
	for i, version := range releases {
		l.content["app-"+version+".tgz"] = randomBytes(l.cfg.FileSize, byte(i+1))
	}
	l.upstream = httptest.NewServer(http.HandlerFunc(l.serveUpstream))
	l.env.Cleanup(l.upstream.Close)
	l.say("upstream site %s serves %d releases of %d bytes", l.upstream.URL, len(releases), l.cfg.FileSize)
	l.s3 = s3server.Start(l.env, bucket)
	l.say("versitygw at %s with bucket %q", l.s3.Endpoint, bucket)
	root := l.env.TempDir()
	l.repo = gitserver.NewRepo(l.env, root, "releases.git")
	l.git = gitserver.StartHTTP(l.env, root, gitUser, gitPassword)
	l.say("git repository %s (basic auth)", l.git.RepoURL(l.repo))
	l.build = l.env.TempDir()
	return nil
}

func (l *loop) serveUpstream(w http.ResponseWriter, r *http.Request) {
	content, ok := l.content[strings.TrimPrefix(r.URL.Path, "/releases/")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.ServeContent(w, r, r.URL.Path, time.Time{}, bytes.NewReader(content))
}

func (l *loop) stopUpstream() error {
	l.upstream.Close()
	if response, err := http.Get(l.upstream.URL + "/releases/app-" + newest + ".tgz"); err == nil {
		_ = response.Body.Close() // the answer itself is the failure
		return errors.New("the upstream site still answers")
	}
	return nil
}

// dynamicSource is the dynamic-metalink source of the upstream site: the
// scripts print what a real one would scrape.
func (l *loop) dynamicSource() map[string]any {
	var get strings.Builder
	get.WriteString("case \"$version\" in\n")
	for _, version := range releases {
		name := "app-" + version + ".tgz"
		sum := sha256.Sum256(l.content[name])
		doc, _ := json.Marshal(map[string]any{"files": []map[string]any{{
			"name": name, "version": version, "size": len(l.content[name]),
			"urls":   []map[string]any{{"url": l.upstream.URL + "/releases/" + name, "priority": 10}},
			"hashes": []map[string]any{{"type": "sha-256", "hash": hex.EncodeToString(sum[:])}},
		}}})
		fmt.Fprintf(&get, "%s) echo '%s' ;;\n", version, doc)
	}
	get.WriteString("*) echo \"unknown version $version\" >&2; exit 1 ;;\nesac\n")
	return map[string]any{
		"version_check": "printf '%s\\n' " + strings.Join(releases, " "),
		"metalink_get":  get.String(),
	}
}

func (l *loop) dynamicCheck() error {
	var versions []map[string]string
	if err := l.command(l.cfg.Binaries.DynamicCheck, map[string]any{"source": l.dynamicSource()}, &versions); err != nil {
		return err
	}
	if len(versions) != 1 || versions[0]["version"] != newest {
		return fmt.Errorf("check printed %v, expected [{version: %s}]", versions, newest)
	}
	l.say("found version %s", newest)
	return nil
}

func (l *loop) dynamicIn() error {
	request := map[string]any{
		"source":  l.dynamicSource(),
		"version": map[string]string{"version": newest},
		"params":  map[string]any{"skip_download": true},
	}
	var answer map[string]any
	if err := l.command(l.cfg.Binaries.DynamicIn, request, &answer, filepath.Join(l.build, "upstream")); err != nil {
		return err
	}
	l.say("wrote upstream/.resource/metalink.meta4, pointing at %s", l.upstream.URL)
	return nil
}

// repositorySource is where out publishes and check and in read.
func (l *loop) repositorySource() map[string]any {
	address := strings.TrimPrefix(l.git.URL, "http://")
	return map[string]any{
		"uri": fmt.Sprintf("git+http://%s:%s@%s/%s//metalinks#%s", gitUser, gitPassword, address, l.repo.Name, gitserver.DefaultBranch),
		"url_handlers": []map[string]any{{
			"type":    "s3",
			"include": []string{"^s3://" + strings.ReplaceAll(l.s3.Host, ".", `\.`) + "/"},
			"options": l.s3.Options(),
		}},
		"mirror_files": []map[string]any{
			{"destination": l.s3.URL(bucket, "releases/{{.Version}}/{{.Name}}"), "priority": 1, "location": "local"},
			{"destination": "file://" + filepath.ToSlash(filepath.Join(l.cfg.WorkDir, "mirror")) + "/{{.SHA256}}", "priority": "2"},
		},
	}
}

func (l *loop) out() error {
	request := map[string]any{
		"source": l.repositorySource(),
		"params": map[string]any{"metalink": "upstream/.resource/metalink.meta4"},
	}
	var answer struct {
		Version  map[string]string   `json:"version"`
		Metadata []map[string]string `json:"metadata"`
	}
	if err := l.command(l.cfg.Binaries.RepositoryOut, request, &answer, l.build); err != nil {
		return err
	}
	if answer.Version["version"] != newest {
		return fmt.Errorf("out answered version %v, expected %s", answer.Version, newest)
	}
	published := l.repo.Show(l.env, "metalinks/v"+newest+".meta4")
	if !strings.Contains(published, l.s3.URL(bucket, "releases/"+newest+"/app-"+newest+".tgz")) {
		return fmt.Errorf("the published metalink does not list the S3 copy:\n%s", published)
	}
	l.say("published metalinks/v%s.meta4 in %s, listing the upstream, S3 and directory copies", newest, l.repo.Name)
	return nil
}

func (l *loop) repositoryCheck() error {
	request := map[string]any{"source": l.repositorySource()}
	var versions []map[string]string
	if err := l.command(l.cfg.Binaries.RepositoryCheck, request, &versions); err != nil {
		return err
	}
	if len(versions) != 1 || versions[0]["version"] != newest {
		return fmt.Errorf("check printed %v, expected [{version: %s}]", versions, newest)
	}
	l.say("check found %s", newest)
	return nil
}

func (l *loop) repositoryIn() error {
	dest := l.env.TempDir()
	request := map[string]any{"source": l.repositorySource(), "version": map[string]string{"version": newest}}
	var answer map[string]any
	if err := l.command(l.cfg.Binaries.RepositoryIn, request, &answer, dest); err != nil {
		return err
	}
	name := "app-" + newest + ".tgz"
	got, err := os.ReadFile(filepath.Join(dest, name))
	if err != nil {
		return err
	}
	if !bytes.Equal(got, l.content[name]) {
		return fmt.Errorf("%s differs from the upstream release", name)
	}
	l.say("downloaded %s (%d bytes), identical to the upstream release", name, len(got))
	return nil
}

// command runs binary as Concourse does: request on stdin, args after
// argv[0], the JSON answer decoded into answer, stderr into the log.
func (l *loop) command(binary string, request any, answer any, args ...string) error {
	stdin, err := json.Marshal(request)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(l.ctx, l.cfg.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(os.Environ(), "TMPDIR="+l.env.TempDir())
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr := &indented{w: l.cfg.Log}
	cmd.Stderr = stderr
	l.say("run %s", filepath.Base(binary))
	err = cmd.Run()
	stderr.Flush()
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(binary), err)
	}
	if err := json.Unmarshal(stdout.Bytes(), answer); err != nil {
		return fmt.Errorf("%s printed %q: %w", filepath.Base(binary), stdout.String(), err)
	}
	return nil
}

// indented prefixes each line of the commands' stderr so that it stands
// out from the steps; Flush writes a last line without a newline.
type indented struct {
	w       io.Writer
	partial []byte
}

func (i *indented) Write(p []byte) (int, error) {
	i.partial = append(i.partial, p...)
	for {
		line, rest, found := bytes.Cut(i.partial, []byte("\n"))
		if !found {
			return len(p), nil
		}
		if _, err := fmt.Fprintf(i.w, "    | %s\n", line); err != nil {
			return 0, err
		}
		i.partial = rest
	}
}

func (i *indented) Flush() {
	if len(i.partial) > 0 {
		_, _ = fmt.Fprintf(i.w, "    | %s\n", i.partial)
		i.partial = nil
	}
}

func randomBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}
