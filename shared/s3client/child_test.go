package s3client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

// childJobEnv holds the job of this test binary when a spec runs it as a
// child process: the SDK reads its credential chain from the environment,
// and Go reads HTTP_PROXY once per process, so a spec that sets them does so
// for a process of its own rather than for every spec of this one.
const childJobEnv = "S3CLIENT_TEST_CHILD_JOB"

// childJob is one download, with the options a pipeline would give.
type childJob struct {
	URL     string
	Options s3client.Options
}

func TestMain(m *testing.M) {
	if job, ok := os.LookupEnv(childJobEnv); ok {
		os.Exit(runChildJob(job))
	}
	os.Exit(m.Run())
}

// runChildJob reads the object to stdout, or prints the error to stderr
// and fails, as a command would.
func runChildJob(raw string) int {
	var job childJob
	if err := json.Unmarshal([]byte(raw), &job); err != nil {
		fmt.Fprintln(os.Stderr, "child job:", err)
		return 2
	}
	body, _, err := s3client.NewHandler(job.Options, network.Default()).Open(context.Background(), job.URL, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = body.Close() }() // read whole or failed already
	if _, err := io.Copy(os.Stdout, body); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// readInChild reads url with opts in a child process whose environment is
// env alone, over one that keeps the SDK away from this machine's own
// configuration, profiles and instance metadata. It returns what the child
// printed and whether it succeeded.
func readInChild(ctx context.Context, url string, opts s3client.Options, env ...string) (stdout, stderr string, err error) {
	job, err := json.Marshal(childJob{URL: url, Options: opts})
	Expect(err).NotTo(HaveOccurred())
	home := GinkgoT().TempDir()
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append([]string{
		childJobEnv + "=" + string(job),
		"HOME=" + home,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "no-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "no-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}
