package integration_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

const (
	mirrorBucket = "mirror" // holds S3-mirrored release files
	gitUser      = "ci"
	gitPassword  = "git-http-password"
)

// servers are the real servers every backend's acceptance run shares: an
// HTTP download site, versitygw, and git over HTTP and SSH.
type servers struct {
	downloads *httptest.Server
	s3        *s3server.Server
	gitRoot   string
	gitHTTP   *gitserver.HTTPServer
	gitSSH    *gitserver.SSHServer
	sshKey    *gitserver.Key
}

func startServers() *servers {
	t := GinkgoT()
	key := gitserver.NewKey(t)
	gitRoot := t.TempDir()
	downloads := httptest.NewServer(http.HandlerFunc(serveDownload))
	DeferCleanup(downloads.Close)
	return &servers{
		downloads: downloads,
		s3:        s3server.Start(t, mirrorBucket),
		gitRoot:   gitRoot,
		gitHTTP:   gitserver.StartHTTP(t, gitRoot, gitUser, gitPassword),
		gitSSH:    gitserver.StartSSH(t, gitRoot, key.Public),
		sshKey:    key,
	}
}

// serveDownload answers /files/NAME with the content of the release file
// NAME and anything else, such as /gone/NAME, with 404.
func serveDownload(w http.ResponseWriter, r *http.Request) {
	name, found := strings.CutPrefix(r.URL.Path, "/files/")
	content, known := downloadable[name]
	if !found || !known {
		http.NotFound(w, r)
		return
	}
	_, _ = w.Write([]byte(content)) // a failed answer fails the client, where the test looks
}

// createBucket makes a new bucket on the shared S3 server.
func (s *servers) createBucket(name string) {
	_, err := s.s3.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)})
	Expect(err).NotTo(HaveOccurred())
}

// s3Handler is a url_handlers entry for the S3 server's URLs with its
// access key and the given secret key.
func (s *servers) s3Handler(secretKey string) map[string]any {
	options := s.s3.Options()
	options["secret_key"] = secretKey
	return map[string]any{
		"type":    "s3",
		"include": []string{"^s3://" + regexp.QuoteMeta(s.s3.Host) + "/"},
		"options": options,
	}
}
