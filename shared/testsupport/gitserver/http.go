package gitserver

import (
	"crypto/subtle"
	"crypto/tls"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync/atomic"
)

// HTTPServer serves every repository under Root with the real `git
// http-backend` (smart HTTP, pushes enabled) behind basic auth.
type HTTPServer struct {
	URL      string // http://127.0.0.1:PORT, https:// from StartHTTPS
	Root     string
	Username string
	Password string

	uploadPacks atomic.Int64
	refLists    atomic.Int64
}

// StartHTTP serves root on 127.0.0.1 until the test ends. Requests without
// the right username/password get 401.
func StartHTTP(t TB, root, username, password string) *HTTPServer {
	t.Helper()
	return startHTTP(t, root, username, password, nil)
}

// StartHTTPS is StartHTTP over TLS with cert (of a private CA, see
// tlsca): URL is https://127.0.0.1:PORT.
func StartHTTPS(t TB, root, username, password string, cert tls.Certificate) *HTTPServer {
	t.Helper()
	return startHTTP(t, root, username, password, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
}

func startHTTP(t TB, root, username, password string, tlsConfig *tls.Config) *HTTPServer {
	t.Helper()
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Fatalf("gitserver: find git: %v", err)
	}
	server := &HTTPServer{Root: root, Username: username, Password: password}
	backend := &cgi.Handler{
		Path: gitPath,
		Args: []string{"http-backend"},
		Env: []string{
			"GIT_PROJECT_ROOT=" + root,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1",
			"GIT_CONFIG_GLOBAL=/dev/null",
			// http-backend refuses pushes from anonymous users unless told otherwise.
			"GIT_CONFIG_COUNT=1",
			"GIT_CONFIG_KEY_0=http.receivepack",
			"GIT_CONFIG_VALUE_0=true",
		},
	}
	httpServer := httptest.NewUnstartedServer(server.authenticate(backend))
	if tlsConfig != nil {
		httpServer.TLS = tlsConfig
		httpServer.StartTLS()
	} else {
		httpServer.Start()
	}
	t.Cleanup(httpServer.Close)
	server.URL = httpServer.URL
	return server
}

// RepoURL is the http:// URL of repo, without credentials.
func (s *HTTPServer) RepoURL(repo *Repo) string { return s.URL + "/" + repo.Name }

// UploadPackRequests counts fetch requests (POST git-upload-pack) so far; a
// test can prove that a warm client did not fetch again.
func (s *HTTPServer) UploadPackRequests() int64 { return s.uploadPacks.Load() }

// RefListRequests counts ref advertisements (GET info/refs for
// git-upload-pack) so far: each is a round trip to the remote, and a warm
// client that finds the branch unchanged needs exactly one.
func (s *HTTPServer) RefListRequests() int64 { return s.refLists.Load() }

func (s *HTTPServer) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, password, ok := r.BasicAuth()
		if !ok || !equal(user, s.Username) || !equal(password, s.Password) {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/git-upload-pack") {
			s.uploadPacks.Add(1)
		}
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/info/refs") && r.URL.Query().Get("service") == "git-upload-pack" {
			s.refLists.Add(1)
		}
		next.ServeHTTP(w, r)
	})
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
