// Package network builds the one HTTP client that every request of a command
// goes through (downloads, S3, the HTTP repository index, git over https):
// the system's CAs plus the pipeline's ca_certs, certificate checks off only
// under skip_ssl_verification, proxies from the environment, and a request
// log under debug. It is a leaf: nothing it imports knows a resource.
package network

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// Config is the network keys of a source as a pipeline author writes them.
type Config struct {
	// CACerts are PEM certificates trusted beside the system pool; one
	// entry may hold several.
	CACerts             []string `json:"ca_certs,omitempty"`
	SkipSSLVerification bool     `json:"skip_ssl_verification,omitempty"`
	Debug               bool     `json:"debug,omitempty"`
}

// Client is what every network request of a command uses.
type Client struct {
	// HTTP sends the requests of every client built on net/http.
	HTTP *http.Client
	// Patient is HTTP without the limit on waiting for response headers,
	// for servers that answer only once an operation is done: S3 sends the
	// headers of CopyObject and CompleteMultipartUpload after copying or
	// joining the whole object, which can take minutes.
	Patient *http.Client
	// CABundle is the ca_certs (PEM), for the programs a resource starts
	// (dynamic-metalink's scripts).
	CABundle []byte
	// TLS is HTTP's TLS configuration, for a client the SDK builds itself
	// (the AWS default credential chain's); nil: Go's defaults. Its RootCAs
	// are set whenever it is.
	TLS *tls.Config
}

// Options are a Client's settings, already checked.
type Options struct {
	CABundle   []byte    // PEM certificates trusted beside the system pool
	SkipVerify bool      // accept any server certificate
	Debug      io.Writer // nil: no request log
}

// Compile checks c, whose keys sit under path ("source"), warns on log when
// certificates go unchecked, and builds the client. Its errors name the key
// and never quote a certificate.
func (c Config) Compile(path string, log io.Writer) (*Client, error) {
	var bundle []byte
	for i, entry := range c.CACerts {
		if err := CheckCertificates(entry); err != nil {
			return nil, fmt.Errorf("%s: %w", strictjson.Index(path+".ca_certs", i), err)
		}
		bundle = AppendBundle(bundle, entry)
	}
	opts := Options{CABundle: bundle, SkipVerify: c.SkipSSLVerification}
	if c.Debug {
		opts.Debug = log
	}
	if c.SkipSSLVerification {
		WarnUnverified(log, path+".skip_ssl_verification")
	}
	return New(opts)
}

// WarnUnverified says on log, once per run, that setting turned
// certificate checks off.
func WarnUnverified(log io.Writer, setting string) {
	if log != nil {
		_, _ = fmt.Fprintf(log, "warning: %s is on: TLS certificates are not checked, so anyone on the way can read and change what is sent\n", setting)
	}
}

// AppendBundle adds the certificates of entry, checked by
// CheckCertificates, to a PEM bundle.
func AppendBundle(bundle []byte, entry string) []byte {
	bundle = append(bundle, strings.TrimSpace(entry)...)
	return append(bundle, '\n')
}

// CheckCertificates accepts one or more PEM CERTIFICATE blocks and nothing
// else; its errors never quote the text.
func CheckCertificates(entry string) error {
	rest := []byte(strings.TrimSpace(entry))
	if len(rest) == 0 {
		return fmt.Errorf("not a PEM certificate (empty)")
	}
	for n := 1; len(rest) > 0; n++ {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		switch {
		case block == nil:
			return fmt.Errorf("not a PEM certificate")
		case strings.Contains(block.Type, "PRIVATE KEY"):
			// Said plainly: whoever pasted it must now replace that key.
			return fmt.Errorf("block %d is a private key, not a certificate", n)
		case block.Type != "CERTIFICATE":
			return fmt.Errorf("block %d is not a certificate (PEM type %q)", n, block.Type)
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Errorf("certificate %d does not parse: %w", n, err)
		}
		rest = []byte(strings.TrimSpace(string(rest)))
	}
	return nil
}

// Default is the process's one client with the system's trust and no
// request log, shared so that its connections are reused.
var Default = sync.OnceValue(func() *Client {
	client, _ := New(Options{}) // no certificate to parse: it cannot fail
	return client
})

// New builds the client of opts.
func New(opts Options) (*Client, error) {
	transport, err := newTransport(opts)
	if err != nil {
		return nil, err
	}
	// Before Clone, which sets up HTTP/2 and with it a TLS configuration.
	tlsConfig := transport.TLSClientConfig
	patient := transport.Clone()
	patient.ResponseHeaderTimeout = 0
	logged := func(t *http.Transport) http.RoundTripper { return t }
	if opts.Debug != nil {
		log := &lineWriter{out: opts.Debug}
		logged = func(t *http.Transport) http.RoundTripper { return &requestLog{next: t, out: log} }
	}
	return &Client{
		HTTP:     &http.Client{Transport: logged(transport)},
		Patient:  &http.Client{Transport: logged(patient)},
		CABundle: opts.CABundle, TLS: tlsConfig,
	}, nil
}

// newTransport limits connecting and waiting for headers but not the
// length of a body: large files may take hours.
func newTransport(opts Options) (*http.Transport, error) {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		// Read once per process by net/http; Concourse forwards the
		// worker's http_proxy, https_proxy and no_proxy.
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: time.Minute,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          16,
		// A segmented download or a multipart upload opens several
		// connections to one host; keep them for the next request.
		MaxIdleConnsPerHost: 16,
		ForceAttemptHTTP2:   true,
	}
	if len(opts.CABundle) > 0 || opts.SkipVerify {
		pool, err := trustPool(opts.CABundle)
		if err != nil {
			return nil, err
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, InsecureSkipVerify: opts.SkipVerify, MinVersion: tls.VersionTLS12} //nolint:gosec // only under skip_ssl_verification, with a warning
	}
	return transport, nil
}

// trustPool is the system pool (empty where the system has none) plus bundle.
func trustPool(bundle []byte) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if len(bundle) > 0 && !pool.AppendCertsFromPEM(bundle) {
		return nil, fmt.Errorf("ca_certs: no certificate found")
	}
	return pool, nil
}
