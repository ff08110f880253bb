package concourse_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// plantedSecret is the value the seeds give the secret fields. Its '"'
// cannot appear unescaped in a key path, so stderr has no innocent way
// to show it: strictjson quotes no values, and the step prints only secrets.
const plantedSecret = `Pl4nted"S3cret`

// fuzzRequest nests the shapes real requests have: structs, a pointer to
// one, a list of structs, maps, the flexible scalars, an option map kept
// raw for the step to decode, and secrets at every level.
type fuzzRequest struct {
	Source struct {
		URI      string            `json:"uri"`
		Password string            `json:"password" secret:"true"`
		Mirrors  []fuzzMirror      `json:"mirrors"`
		Headers  map[string]string `json:"headers" secret:"true"`
		Nested   *struct {
			Key   strictjson.Flexible `json:"key" secret:"true"`
			Depth struct {
				Leaf []string `json:"leaf"`
			} `json:"depth"`
		} `json:"nested"`
	} `json:"source"`
	Params struct {
		Files    []string            `json:"files"`
		Retries  strictjson.Flexible `json:"retries"`
		Insecure strictjson.Bool     `json:"insecure"`
		Options  json.RawMessage     `json:"options"`
		Fail     string              `json:"fail"` // "compile" or "run" fails that stage
	} `json:"params"`
	Version *concourse.Version `json:"version"`
}

type fuzzMirror struct {
	URL      string `json:"url"`
	Token    string `json:"token" secret:"true"`
	Priority int    `json:"priority"`
}

// fuzzOptions are params.options as the step decodes them, strictly.
type fuzzOptions struct {
	APIKey  string            `json:"api_key"`
	Region  string            `json:"region"`
	Headers map[string]string `json:"headers"`
}

type fuzzSettings struct{ secrets []string }

func (s fuzzSettings) Secrets() []string { return s.secrets }

// fuzzStep is a step that prints every secret it holds: in its log, and in
// the (multi-line) error of a failing compile or run, as a careless step
// would. ran records whether Run was reached.
func fuzzStep(ran *bool) concourse.Step[fuzzRequest, fuzzSettings] {
	return concourse.Step[fuzzRequest, fuzzSettings]{
		Name:     "out",
		TakesDir: true,
		Compile: func(req *fuzzRequest, _ concourse.Env) (fuzzSettings, error) {
			var settings fuzzSettings
			var lenient struct {
				APIKey any `json:"api_key"`
			}
			if json.Unmarshal(req.Params.Options, &lenient) == nil && lenient.APIKey != nil {
				settings.secrets = append(settings.secrets, fmt.Sprint(lenient.APIKey))
			}
			var opts fuzzOptions
			if req.Params.Options != nil {
				if err := strictjson.Decode(req.Params.Options, "params.options", &opts); err != nil {
					return settings, err
				}
			}
			if req.Params.Fail == "compile" {
				return settings, errors.New("compile failed:\n" + strings.Join(allSecrets(req, settings), "\n"))
			}
			return settings, nil
		},
		Run: func(_ context.Context, req *fuzzRequest, settings fuzzSettings, env concourse.Env) (any, error) {
			*ran = true
			for _, s := range allSecrets(req, settings) {
				env.Printf("using secret %s\n", s)
			}
			if req.Params.Fail == "run" {
				return nil, fmt.Errorf("run failed with %s", strings.Join(allSecrets(req, settings), ", "))
			}
			return concourse.Response{Version: concourse.Version{Version: "1"}}, nil
		},
	}
}

func allSecrets(req *fuzzRequest, settings fuzzSettings) []string {
	return append(strictjson.Secrets(req), settings.secrets...)
}

// FuzzCommand feeds stdin to a Command: the exit code is 0 or 1; a failure
// ends stderr with one fatal line "out: ..." of at most 1000 bytes, which is
// all of stderr when the step did not run; a success answers one JSON
// line; and stderr never shows plantedSecret. Seeds: the requests of
// concourse_test.go and strictjson's, with secrets everywhere. Run it for
// longer with go test -run '^$' -fuzz '^FuzzCommand$' -fuzztime 1m -parallel 1 .
func FuzzCommand(f *testing.F) {
	secret, _ := json.Marshal(plantedSecret)
	s := string(secret)
	for _, seed := range []string{
		``, " \n", `{"source":{"uri":"file:///x"}}`, `{"source":{},"params":{}}`, `{"source":{"URI":"x"}}`,
		`{"source":{"uri":"a","uri":"b"}}`, `{"source":{"uri":7}}`, `{"source":{}} {"source":{}}`, `[1, {"a": null}]`,
		`{"source":{"password":` + s + `}}`,
		`{"source":{"password":` + s + `,"uri":"u"},"params":{"fail":"run"}}`,
		`{"source":{"password":` + s + `},"params":{"fail":"compile"}}`,
		`{"source":{"password":` + s + `,"mirrors":[{"url":"https://m","token":` + s + `,"priority":"1"}]}}`,
		`{"source":{"mirrors":[{"url":"https://m","token":` + s + `,"priority":1}],"headers":{"Authorization":` + s + `}},"params":{"fail":"run"}}`,
		`{"source":{"nested":{"key":` + s + `,"depth":{"leaf":["a",` + s + `]}}},"params":{"fail":"compile"}}`,
		`{"source":{"nested":{"key":12345678,"depth":{"leaf":[null]}}},"params":{"retries":"3","insecure":"true"}}`,
		`{"source":{"password":` + s + `},"params":{"options":{"api_key":` + s + `,"region":"eu","extra":1}}}`,
		`{"source":{"password":` + s + `},"params":{"options":{"api_key":` + s + `,"headers":{"x":[` + s + `]}},"fail":"run"}}`,
		`{"source":{"password":` + s + `,"headers":{"a":1}},"version":{"version":"1.0"},"params":{"files":["a","b"]}}`,
		`{"source":{"password":` + s + `},"version":{"version":1},"params":{"files":"a"}}`,
		`{"source":{"password":` + s + `,` + s + `:1}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, stdin []byte) {
		ran := false
		var stdout, stderr bytes.Buffer
		code := concourse.New(fuzzStep(&ran), bytes.NewReader(stdin), &stdout, &stderr, []string{"out", "/tmp/build"}).Execute(context.Background())
		if strings.Contains(stderr.String(), plantedSecret) {
			t.Fatalf("stderr shows the secret:\n%s", stderr.String())
		}
		switch code {
		case 0:
			if !ran || !json.Valid(stdout.Bytes()) || strings.Count(stdout.String(), "\n") != 1 {
				t.Fatalf("success (ran %v) with stdout %q", ran, stdout.String())
			}
		case 1:
			checkFatalLine(t, stderr.String(), ran)
			if stdout.Len() != 0 {
				t.Fatalf("failure with stdout %q", stdout.String())
			}
		default:
			t.Fatalf("exit code %d", code)
		}
	})
}

func checkFatalLine(t *testing.T, stderr string, ran bool) {
	t.Helper()
	lines := strings.SplitAfter(stderr, "\n")
	if lines[len(lines)-1] != "" {
		t.Fatalf("stderr does not end with a line break: %q", stderr)
	}
	lines = lines[:len(lines)-1]
	last := strings.TrimSuffix(lines[len(lines)-1], "\n")
	if !ran && len(lines) != 1 {
		t.Fatalf("failure before run printed %d lines: %q", len(lines), stderr)
	}
	if !strings.HasPrefix(last, "out: ") || strings.ContainsAny(last, "\r\u2028\u2029") {
		t.Fatalf("fatal line %q", last)
	}
	if len(last) > 1000 {
		t.Fatalf("fatal line of %d bytes: %.300q", len(last), last)
	}
}
