// Package serve is a read-only HTTP mirror of metalink repositories for
// every build tool's own downloader: a file described by a metalink is
// served by its hash (Nix's hashed-mirrors), by its URL without the scheme
// (Bazel's downloader config, mirror.bazel.build), by its name (Buildroot's
// primary site) and as a one-file metalink (aria2c). Bytes come from a
// content-addressed cache that a file enters only once the download engine
// verified it; nothing unverified is ever sent.
package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// Defaults of Options.
const (
	DefaultListen       = "127.0.0.1:8080"
	DefaultRefresh      = time.Minute
	DefaultDrainTimeout = 30 * time.Second
)

// Source is one repository to serve.
type Source struct {
	// Name says the repository in the log and index.json: its URI
	// without secrets.
	Name string
	// Open connects to it; a refresh tries again until it succeeds.
	Open func(ctx context.Context) (repository.Repository, error)
}

// Options configure a Server. Validate fills the defaults. Its errors
// name fields through Names as listen, sources, cache_dir, cache_max,
// refresh, tls_cert, tls_key and public_url.
type Options struct {
	Listen   string // host:port; DefaultListen when empty
	Sources  []Source
	CacheDir string
	CacheMax int64         // bytes the cache may hold; 0: no limit
	Refresh  time.Duration // between re-reads of the repositories; DefaultRefresh when 0
	// TLSCert and TLSKey are PEM files; with both the server speaks HTTPS.
	TLSCert, TLSKey string
	// PublicURL is how clients reach the server ("https://mirror.example"),
	// for the URLs in metalinks and Link headers; empty: from each
	// request's Host.
	PublicURL string
	// DrainTimeout bounds how long a stopping server waits for requests
	// in flight; DefaultDrainTimeout when 0.
	DrainTimeout time.Duration
	// Download fetches and verifies the files, as in does.
	Download download.Options
	// Log receives one line per request and the server's events.
	Log   io.Writer
	Names field.Names
}

// Validate fills the defaults and refuses what cannot work, naming the
// field as Names say it.
func (o *Options) Validate() error {
	if o.Listen == "" {
		o.Listen = DefaultListen
	}
	if _, _, err := net.SplitHostPort(o.Listen); err != nil {
		return o.Names.ValueError("listen", fmt.Sprintf("%q", o.Listen), errors.New("expected HOST:PORT, e.g. 127.0.0.1:8080 or :8080"))
	}
	if len(o.Sources) == 0 {
		return o.Names.Required("sources", "")
	}
	if o.CacheDir == "" {
		return o.Names.Required("cache_dir", "")
	}
	if o.CacheMax < 0 {
		return o.Names.Errorf("cache_max", "must not be negative")
	}
	if o.Refresh == 0 {
		o.Refresh = DefaultRefresh
	}
	if o.Refresh < 0 {
		return o.Names.Errorf("refresh", "must be positive")
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = DefaultDrainTimeout
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return o.Names.Errorf("tls_cert", "needs %s beside it", o.Names.Of("tls_key"))
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return o.checkPublicURL()
}

// checkPublicURL accepts an http(s) base URL without secrets and trims
// its trailing slash.
func (o *Options) checkPublicURL() error {
	if o.PublicURL == "" {
		return nil
	}
	u, err := url.Parse(o.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" {
		return o.Names.ValueError("public_url", redact.Quote(o.PublicURL), errors.New("expected http(s)://HOST[:PORT][/PATH]"))
	}
	o.PublicURL = strings.TrimSuffix(o.PublicURL, "/")
	return nil
}

// Server serves the repositories' files.
type Server struct {
	opts  Options
	cache *cache
	tls   *tls.Config
	// cert is the key pair handshakes use; a refresh reads it again, so
	// that a renewed certificate is served without a restart.
	cert atomic.Pointer[tls.Certificate]

	index    atomic.Pointer[index]
	reloadMu sync.Mutex // one refresh at a time
	sources  []*sourceState
	reloads  chan struct{}
	// fetchCtx outlives requests: it ends after the last one drained.
	fetchCtx    context.Context
	stopFetches context.CancelFunc
}

// New validates opts, opens the cache (removing what fetches that never
// finished left) and loads the TLS certificate; it serves nothing yet.
func New(opts Options) (*Server, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	s := &Server{opts: opts, reloads: make(chan struct{}, 1)}
	if opts.TLSCert != "" {
		if err := s.loadCertificate(); err != nil {
			return nil, err
		}
		s.tls = &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return s.cert.Load(), nil
		}}
	}
	if opts.Download.Hosts == nil {
		// Fetches of different files share one budget per upstream host,
		// as the files of one release do: many clients asking for many
		// cold files never make us one more client a mirror refuses.
		opts.Download.Hosts = download.NewHostBudget(opts.Download.Segments.PerHost)
	}
	c, err := openCache(opts.CacheDir, opts.CacheMax, opts.Download, opts.Log)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", opts.Names.Of("cache_dir"), opts.CacheDir, err)
	}
	s.cache = c
	for _, src := range opts.Sources {
		s.sources = append(s.sources, &sourceState{Source: src})
	}
	s.index.Store(buildIndex(nil))
	s.fetchCtx, s.stopFetches = context.WithCancel(context.Background())
	return s, nil
}

// Run listens on Options.Listen and serves until ctx ends (Serve).
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("%s: %w", s.opts.Names.Of("listen"), err)
	}
	return s.Serve(ctx, ln)
}

// Serve loads the repositories, then serves on ln until ctx ends, reading
// the repositories again every Options.Refresh and on Refresh. When ctx
// ends it stops accepting, lets the requests in flight finish (within
// Options.DrainTimeout) and returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer s.stopFetches()
	s.Reload(ctx)
	server := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(s.opts.Log, "serve: ", 0),
		TLSConfig:         s.tls,
	}
	go s.refreshLoop(ctx)
	scheme := "http"
	if s.tls != nil {
		scheme = "https"
	}
	logf(s.opts.Log, "serve: listening on %s://%s\n", scheme, ln.Addr())
	served := make(chan error, 1)
	go func() {
		if s.tls != nil {
			served <- server.ServeTLS(ln, "", "")
			return
		}
		served <- server.Serve(ln)
	}()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	drain, cancel := context.WithTimeout(context.Background(), s.opts.DrainTimeout)
	defer cancel()
	err := server.Shutdown(drain)
	logf(s.opts.Log, "serve: stopped\n")
	if err != nil {
		return fmt.Errorf("drain the requests in flight: %w", err)
	}
	return nil
}

// Refresh asks for the repositories to be read again now (on SIGHUP); it
// never waits, and asks made during a refresh make one more.
func (s *Server) Refresh() {
	select {
	case s.reloads <- struct{}{}:
	default:
	}
}

func (s *Server) refreshLoop(ctx context.Context) {
	ticker := time.NewTicker(s.opts.Refresh)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-s.reloads:
		}
		if s.tls != nil {
			if err := s.loadCertificate(); err != nil {
				logf(s.opts.Log, "serve: %v (keeping the certificate in use)\n", err)
			}
		}
		s.Reload(ctx)
	}
}

// loadCertificate reads the key pair from Options.TLSCert and TLSKey
// for the handshakes from now on.
func (s *Server) loadCertificate() error {
	cert, err := tls.LoadX509KeyPair(s.opts.TLSCert, s.opts.TLSKey)
	if err != nil {
		return fmt.Errorf("%s/%s: %w", s.opts.Names.Of("tls_cert"), s.opts.Names.Of("tls_key"), err)
	}
	s.cert.Store(&cert)
	return nil
}

// logf writes one line of the log; a log that cannot be written is no
// reason to stop serving.
func logf(w io.Writer, format string, args ...any) {
	_, _ = fmt.Fprintf(w, format, args...)
}
