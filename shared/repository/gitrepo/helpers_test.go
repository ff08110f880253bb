package gitrepo_test

import (
	"context"
	"fmt"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/lockedbuffer"

	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

// client is one container's view of a repository: its own $TMPDIR (and so
// its own cache) and stderr.
type client struct {
	env repository.Env
	log *lockedbuffer.Buffer
}

func newClient() *client {
	log := &lockedbuffer.Buffer{}
	return &client{env: repository.Env{TempDir: GinkgoT().TempDir(), Stderr: log}, log: log}
}

func (c *client) open(uri string, options gitrepo.Options) repository.Repository {
	GinkgoHelper()
	r, err := repotest.Open(c.env)(gitrepo.Configure(uri, options, repotest.Names))
	Expect(err).NotTo(HaveOccurred())
	return r
}

func (c *client) list(uri string, options gitrepo.Options) []repository.Entry {
	GinkgoHelper()
	entries, err := c.open(uri, options).List(context.Background())
	Expect(err).NotTo(HaveOccurred())
	return entries
}

// versionsOf reduces entries to "path=version" for easy comparison.
func versionsOf(entries []repository.Entry) []string {
	summary := make([]string, 0, len(entries))
	for _, entry := range entries {
		Expect(entry.Metalink.Files).NotTo(BeEmpty(), "metalink %s has no file", entry.Path)
		summary = append(summary, fmt.Sprintf("%s=%s", entry.Path, entry.Metalink.Files[0].Version))
	}
	return summary
}

// meta4 is a valid metalink document for version.
func meta4(version string) string { return string(gitserver.Meta4(version)) }
