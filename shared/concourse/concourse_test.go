package concourse_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

type request struct {
	Source struct {
		URI    string `json:"uri"`
		Secret string `json:"secret" secret:"true"`
	} `json:"source"`
	Version *concourse.Version `json:"version"`
}

type compiled struct{ secrets []string }

func (c compiled) Secrets() []string { return c.secrets }

// result is what one execution printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// execute runs a step built from compile and run over stdin and args.
func execute(step concourse.Step[request, compiled], stdin string, args ...string) result {
	var stdout, stderr bytes.Buffer
	code := concourse.New(step, strings.NewReader(stdin), &stdout, &stderr, append([]string{step.Name}, args...)).Execute(context.Background())
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// echoStep answers the request's uri, with the directory it got.
func echoStep(takesDir bool) concourse.Step[request, compiled] {
	return concourse.Step[request, compiled]{
		Name:     "in",
		TakesDir: takesDir,
		Compile:  func(*request, concourse.Env) (compiled, error) { return compiled{}, nil },
		Run: func(_ context.Context, req *request, _ compiled, env concourse.Env) (any, error) {
			return concourse.Response{Version: concourse.Version{Version: req.Source.URI + "@" + env.Dir}}, nil
		},
	}
}

var _ = Describe("Command", func() {
	It("decodes, compiles, runs and answers one JSON document", func() {
		got := execute(echoStep(true), `{"source":{"uri":"file:///x"}}`, "/tmp/dest")
		Expect(got).To(Equal(result{code: 0, stdout: `{"version":{"version":"file:///x@/tmp/dest"}}` + "\n"}))
	})

	DescribeTable("refuses a bad request with one line naming the culprit, before any work",
		func(takesDir bool, stdin string, args []string, want string) {
			ran := false
			step := echoStep(takesDir)
			step.Compile = func(*request, concourse.Env) (compiled, error) { ran = true; return compiled{}, nil }
			got := execute(step, stdin, args...)
			Expect(got).To(Equal(result{code: 1, stderr: "in: " + want + "\n"}))
			Expect(ran).To(BeFalse())
		},
		Entry("empty stdin", true, "", []string{"/d"}, "empty request: expected a JSON object on stdin"),
		Entry("only white space", true, " \n", []string{"/d"}, "empty request: expected a JSON object on stdin"),
		Entry("an unknown key", true, `{"source":{},"params":{}}`, []string{"/d"}, `unknown key "params"`),
		Entry("a key in another case", true, `{"source":{"URI":"x"}}`, []string{"/d"}, `unknown key "source.URI" (did you mean "uri"?)`),
		Entry("a duplicate key", true, `{"source":{"uri":"a","uri":"b"}}`, []string{"/d"}, `duplicate key "source.uri"`),
		Entry("a wrong type", true, `{"source":{"uri":7}}`, []string{"/d"}, "source.uri: expected a string, got a number"),
		Entry("a second document", true, `{"source":{}} {"source":{}}`, []string{"/d"}, "unexpected data after the JSON value"),
		Entry("no directory", true, `{"source":{}}`, nil, "usage: in DIRECTORY (exactly one directory, got 0 arguments)"),
		Entry("two directories", true, `{"source":{}}`, []string{"/a", "/b"}, "usage: in DIRECTORY (exactly one directory, got 2 arguments)"),
		Entry("an empty directory", true, `{"source":{}}`, []string{""}, "usage: in DIRECTORY (exactly one directory, got 1 arguments)"),
		Entry("an argument to a command that takes none", false, `{"source":{}}`, []string{"/a"}, "usage: in takes no arguments, got 1"),
	)

	It("refuses a request larger than 16 MiB without reading all of it", func() {
		huge := `{"source":{"uri":"` + strings.Repeat("x", 16<<20) + `"}}`
		got := execute(echoStep(true), huge, "/d")
		Expect(got).To(Equal(result{code: 1, stderr: "in: request larger than 16 MiB\n"}))
	})

	It("redacts the request's secret fields and the compiled secrets from the log and the fatal line", func() {
		step := echoStep(true)
		step.Compile = func(*request, concourse.Env) (compiled, error) {
			return compiled{secrets: []string{"compiled-secret"}}, nil
		}
		step.Run = func(_ context.Context, _ *request, _ compiled, env concourse.Env) (any, error) {
			_, err := io.WriteString(env.Log, "using tagged-secret and compiled-secret\nunfinished line")
			Expect(err).NotTo(HaveOccurred())
			return nil, errors.New("failed with\ntagged-secret")
		}
		got := execute(step, `{"source":{"secret":"tagged-secret"}}`, "/d")
		Expect(got).To(Equal(result{code: 1, stderr: "using [redacted] and [redacted]\nunfinished line\nin: failed with [redacted]\n"}))
	})

	It("writes the control characters a hostile URL or path brings into the fatal line as escapes", func() {
		step := echoStep(true)
		step.Run = func(context.Context, *request, compiled, concourse.Env) (any, error) {
			return nil, errors.New("http://host/a\x7fb\u009b31m\x1b[0m: refused\r\nsecond")
		}
		got := execute(step, `{"source":{}}`, "/d")
		Expect(got).To(Equal(result{code: 1, stderr: `in: http://host/a\x7fb\u009b31m\x1b[0m: refused second` + "\n"}))
	})

	It("names the failure of compile with the command", func() {
		step := echoStep(false)
		step.Name = "check"
		step.Compile = func(*request, concourse.Env) (compiled, error) {
			return compiled{}, errors.New("source.uri is required")
		}
		Expect(execute(step, `{"source":{}}`)).To(Equal(result{code: 1, stderr: "check: source.uri is required\n"}))
	})
})

var _ = Describe("CheckAnswer", func() {
	candidates := func(raw ...string) []versions.Version {
		var parsed []versions.Version
		for _, r := range raw {
			v, err := versions.Parse(r)
			Expect(err).NotTo(HaveOccurred())
			parsed = append(parsed, v)
		}
		return parsed
	}

	It("answers the latest on a first check, also when the version is empty", func() {
		for _, current := range []*concourse.Version{nil, {Version: ""}} {
			Expect(concourse.CheckAnswer(candidates("1.0.0", "1.2.0"), current)).To(Equal([]concourse.Version{{Version: "1.2.0"}}))
		}
	})

	It("answers every version from the current one and never null", func() {
		Expect(concourse.CheckAnswer(candidates("1.2.0", "1.0.0", "1.1.0"), &concourse.Version{Version: "1.1.0"})).
			To(Equal([]concourse.Version{{Version: "1.1.0"}, {Version: "1.2.0"}}))
		Expect(concourse.CheckAnswer(nil, nil)).To(Equal([]concourse.Version{}))
	})
})
