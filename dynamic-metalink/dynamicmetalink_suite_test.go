package dynamicmetalink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	dynamicmetalink "github.com/metalink-resources/metalink-resources/dynamic-metalink"
)

func TestDynamicMetalink(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Dynamic Metalink Suite")
}

// result is what a command left on its streams.
type result struct {
	code   int
	stdout string
	stderr string
}

// output describes the streams for a failed assertion.
func (r result) output() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
}

// lastLine is the final stderr line: the fatal message when code is 1.
func (r result) lastLine() string {
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	return lines[len(lines)-1]
}

// executor is what NewCheck, NewIn and NewOut build.
type executor interface {
	Execute(ctx context.Context) int
}

type builder func(stdin io.Reader, stdout, stderr io.Writer) executor

// run feeds request (a string as is, anything else as JSON) to the command
// and runs it in-process.
func run(build builder, request any) result {
	GinkgoHelper()
	stdin := &bytes.Buffer{}
	if text, ok := request.(string); ok {
		stdin.WriteString(text)
	} else {
		Expect(json.NewEncoder(stdin).Encode(request)).To(Succeed())
	}
	var stdout, stderr bytes.Buffer
	code := build(stdin, &stdout, &stderr).Execute(context.Background())
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func check(stdin io.Reader, stdout, stderr io.Writer) executor {
	return dynamicmetalink.NewCheck(stdin, stdout, stderr, []string{"check"})
}

func in(args ...string) builder {
	return func(stdin io.Reader, stdout, stderr io.Writer) executor {
		return dynamicmetalink.NewIn(stdin, stdout, stderr, append([]string{"in"}, args...))
	}
}

func out(stdin io.Reader, stdout, stderr io.Writer) executor {
	return dynamicmetalink.NewOut(stdin, stdout, stderr, []string{"out", GinkgoT().TempDir()})
}

// source is a minimal valid source block to extend per test.
func source(extra map[string]any) map[string]any {
	s := map[string]any{
		"version_check": "echo 1.0.0",
		"metalink_get":  "false",
	}
	for k, v := range extra {
		s[k] = v
	}
	return s
}
