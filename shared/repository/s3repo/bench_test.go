package s3repo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"
	"github.com/metalink-resources/metalink-resources/shared/repository/s3repo"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// benchDocuments is how many metalinks BenchmarkList lists, and
// benchLatency what a real bucket adds to every request.
const (
	benchDocuments = 3000
	benchLatency   = 20 * time.Millisecond
)

// BenchmarkList lists a prefix of 3,000 metalinks through a front that adds
// 20 ms to every request: cold (an empty cache: every document fetched) and
// warm (the cache of an unchanged listing: the listing alone). The warm
// run's share of the cold one is what a check of a big bucket costs each
// minute.
func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	server := s3server.Start(b, "bucket")
	uploads, uploadCtx := errgroup.WithContext(ctx)
	uploads.SetLimit(32)
	for i := range benchDocuments {
		uploads.Go(func() error {
			return server.Put(uploadCtx, "bucket", fmt.Sprintf("repo/v%d.0.0.meta4", i), doc(fmt.Sprintf("%d.0.0", i)))
		})
	}
	if err := uploads.Wait(); err != nil {
		b.Fatal(err)
	}
	uri := s3server.StartDistantRecorder(b, server, benchLatency).URL("bucket", "repo/")
	list := func(b *testing.B, tempDir string) {
		repo, err := repotest.Open(repository.Env{TempDir: tempDir})(s3repo.Configure(uri, server.Credentials(), repotest.Names))
		if err != nil {
			b.Fatal(err)
		}
		entries, err := repo.List(ctx)
		if err != nil || len(entries) != benchDocuments {
			b.Fatalf("listed %d documents: %v", len(entries), err)
		}
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			list(b, b.TempDir())
		}
	})
	b.Run("warm", func(b *testing.B) {
		warm := b.TempDir()
		list(b, warm)
		for b.Loop() {
			list(b, warm)
		}
	})
}
