// Package s3server runs a real S3 server (versitygw on a posix directory) on
// 127.0.0.1 for tests, with buckets created and a client ready to seed them.
// The server takes virtual-hosted requests for BUCKET.VirtualDomain too; a
// Recorder in front of it observes what clients send.
//
// The versitygw binary is taken from $VERSITYGW, else from PATH. Install it with
//
//	go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
package s3server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/lockedbuffer"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

const (
	// AccessKey and SecretKey are the root credentials of every server.
	AccessKey = "metalink-test-access"
	SecretKey = "metalink-test-secret-0123456789"
	Region    = "us-east-1"
	// VirtualDomain is the domain of virtual-hosted requests: Host
	// BUCKET.s3.metalink.test[:PORT]. It never resolves (.test is reserved),
	// so clients reach it through a Recorder as their HTTP proxy.
	VirtualDomain = "s3.metalink.test"

	installHint  = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0 (or set $VERSITYGW to the binary)"
	startTimeout = 15 * time.Second
	startTries   = 3
)

// TB is the part of testing.TB (and of GinkgoT()) the server needs.
type TB interface {
	Helper()
	TempDir() string
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// Server is a running versitygw.
type Server struct {
	Host     string // 127.0.0.1:PORT, as written in s3:// URLs
	Endpoint string // http://127.0.0.1:PORT
	Dir      string // the posix root: one directory per bucket
	Client   *s3.Client

	cmd      *exec.Cmd
	exited   chan struct{}
	stopOnce sync.Once
}

// Start runs versitygw with buckets created, and stops it when the test ends.
// A missing binary fails the test with how to install it.
func Start(t TB, buckets ...string) *Server {
	t.Helper()
	binary, err := findBinary()
	if err != nil {
		t.Fatalf("s3server: %v", err)
	}
	dir := t.TempDir()
	var server *Server
	for try := 1; server == nil; try++ {
		server, err = start(binary, dir)
		// Another process may take the free port between our probe and
		// versitygw's bind; a fresh port usually fixes that.
		if err != nil && try == startTries {
			t.Fatalf("s3server: %v", err)
		}
	}
	t.Cleanup(server.Stop)
	for _, bucket := range buckets {
		if _, err := server.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatalf("s3server: create bucket %s: %v", bucket, err)
		}
	}
	return server
}

func findBinary() (string, error) {
	if path := os.Getenv("VERSITYGW"); path != "" {
		if _, err := os.Stat(path); err != nil {
			return "", fmt.Errorf("$VERSITYGW: %w; install it with %s", err, installHint)
		}
		return path, nil
	}
	path, err := exec.LookPath("versitygw")
	if err != nil {
		return "", fmt.Errorf("versitygw is not on PATH; install it with %s", installHint)
	}
	return path, nil
}

func start(binary, dir string) (*Server, error) {
	host, err := freeAddress()
	if err != nil {
		return nil, err
	}
	root := filepath.Join(dir, "root")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	var output lockedbuffer.Buffer
	cmd := exec.Command(binary, "--port", host, "--quiet", "--virtual-domain", VirtualDomain, "posix", root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+AccessKey, "ROOT_SECRET_KEY="+SecretKey, "VGW_REGION="+Region)
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.SysProcAttr = dieWithParent()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	s := &Server{Host: host, Endpoint: "http://" + host, Dir: root, cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	s.Client = s.NewClient(AccessKey, SecretKey)
	if err := s.waitUntilAnswering(); err != nil {
		s.Stop()
		return nil, fmt.Errorf("versitygw on %s: %w; its output: %s", host, err, strings.TrimSpace(output.String()))
	}
	return s, nil
}

func freeAddress() (string, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	address := listener.Addr().String()
	if err := listener.Close(); err != nil {
		return "", fmt.Errorf("free port %s: %w", address, err)
	}
	return address, nil
}

// waitUntilAnswering polls until versitygw answers a signed ListBuckets,
// or exits. Any answer is not enough: another process may have taken the
// free port before versitygw bound it (then versitygw exits, and a fresh
// port is tried), and its server would answer in versitygw's place.
func (s *Server) waitUntilAnswering() error {
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return errors.New("exited during start")
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := s.Client.ListBuckets(ctx, &s3.ListBucketsInput{})
		cancel()
		if err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no answer within %s", startTimeout)
}

// Stop ends versitygw and waits for it; safe to call more than once.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Kill()
		<-s.exited
	})
}

// NewClient returns a path-style client for this server with the given keys.
func (s *Server) NewClient(accessKey, secretKey string) *s3.Client {
	return s3.New(s3.Options{
		Region:                     Region,
		BaseEndpoint:               aws.String(s.Endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// URL is the s3:// URL of bucket/key on this server.
func (s *Server) URL(bucket, key string) string { return s3URL(s.Host, bucket, key) }

func s3URL(host, bucket, key string) string { return "s3://" + host + "/" + bucket + "/" + key }

// Options are the repository and url_handlers options that reach this
// server with the root credentials.
func (s *Server) Options() map[string]any {
	return map[string]any{"access_key": AccessKey, "secret_key": SecretKey, "disable_ssl": true}
}

// Credentials are Options as the typed s3client options.
func (s *Server) Credentials() s3client.Options {
	return s3client.Options{AccessKey: AccessKey, SecretKey: SecretKey, DisableSSL: true}
}

// Put stores data at bucket/key.
func (s *Server) Put(ctx context.Context, bucket, key string, data []byte) error {
	_, err := s.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket),
		Key:    aws.String(key),
		Body:   bytes.NewReader(data),
	})
	if err != nil {
		return fmt.Errorf("put s3://%s/%s/%s: %w", s.Host, bucket, key, err)
	}
	return nil
}
