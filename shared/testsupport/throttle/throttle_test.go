package throttle_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/throttle"
)

var block = []byte("0123456789abcdef")

func get(t *testing.T, url, ranged string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ranged != "" {
		req.Header.Set("Range", ranged)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func start(t *testing.T, cfg throttle.Config) *throttle.Server {
	t.Helper()
	cfg.Path = "/f"
	server, err := throttle.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Close)
	return server
}

func TestServesRangesOnItsOwnLoopbackAddress(t *testing.T) {
	server := start(t, throttle.Config{Addr: throttle.Loopback(2), Body: throttle.Repeat(block, 100)})
	resp, body := get(t, server.URL, "bytes=20-")
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, bytes.Repeat(block, 7)[4:84]) {
		t.Fatalf("got %d with %q", resp.StatusCode, body)
	}
	if got := server.Ranges(); len(got) != 1 || got[0] != "bytes=20-" {
		t.Fatalf("ranges %q", got)
	}
	if resp.Request.URL.Hostname() != "127.0.0.2" {
		t.Fatalf("served from %s", resp.Request.URL.Host)
	}
}

func TestIgnoresRangeWhenTold(t *testing.T) {
	server := start(t, throttle.Config{Body: throttle.Repeat(block, 100), IgnoreRange: true})
	resp, body := get(t, server.URL, "bytes=20-")
	if resp.StatusCode != http.StatusOK || len(body) != 100 {
		t.Fatalf("got %d with %d bytes", resp.StatusCode, len(body))
	}
}

func TestCapsEachConnection(t *testing.T) {
	const size, rate = 256 << 10, 1 << 20 // a quarter of a second
	server := start(t, throttle.Config{Body: throttle.Repeat(block, size), Rate: rate})
	began := time.Now()
	if _, body := get(t, server.URL, ""); len(body) != size {
		t.Fatalf("got %d bytes", len(body))
	}
	if took := time.Since(began); took < 200*time.Millisecond {
		t.Fatalf("256 KiB at 1 MiB/s took %s", took)
	}
}

func TestFlipsOneByte(t *testing.T) {
	server := start(t, throttle.Config{Body: throttle.Flip(throttle.Repeat(block, 32), 17)})
	_, body := get(t, server.URL, "bytes=16-")
	if body[0] != '0' || body[1] != '1'^0xff {
		t.Fatalf("got %q", body)
	}
}

func TestDiesAfterItsBytes(t *testing.T) {
	server := start(t, throttle.Config{Body: throttle.Repeat(block, 1<<20), DieAfter: 64 << 10})
	resp, err := http.Get(server.URL)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
	}
	if err == nil {
		t.Fatal("the transfer did not break")
	}
	// The server closes in the background: new connections fail soon.
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		resp, err := http.Get(server.URL)
		if err != nil {
			return
		}
		_ = resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("a dead server still answers")
		}
	}
}

func TestServesMorePathsEachWithItsBody(t *testing.T) {
	server := start(t, throttle.Config{Body: throttle.Repeat(block, 10), Also: map[string]func() io.ReadSeeker{
		"/g": throttle.Repeat([]byte("xyz"), 5),
	}})
	if _, body := get(t, server.URL, ""); !bytes.Equal(body, block[:10]) {
		t.Fatalf("/f: %q", body)
	}
	g := strings.TrimSuffix(server.URL, "/f") + "/g"
	if resp, body := get(t, g, "bytes=1-"); resp.StatusCode != http.StatusPartialContent || string(body) != "yzxy" {
		t.Fatalf("/g: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(t, strings.TrimSuffix(server.URL, "/f")+"/h", ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/h: %d", resp.StatusCode)
	}
}
