package s3repo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"
	"github.com/metalink-resources/metalink-resources/shared/s3client"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sync/errgroup"

	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/s3repo"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// doc is a small JSON metalink of the given version.
func doc(version string) []byte {
	return fmt.Appendf(nil, `{"files": [{"name": "app-%[1]s.tgz", "version": "%[1]s", "urls": [{"url": "https://example.com/app-%[1]s.tgz"}]}]}`, version)
}

var _ = Describe("an s3 repository", func() {
	var (
		ctx    context.Context
		server *s3server.Server
	)

	BeforeEach(func() {
		ctx = context.Background()
		server = s3server.Start(GinkgoT(), "bucket")
	})

	put := func(key string, data []byte) {
		Expect(server.Put(ctx, "bucket", key, data)).To(Succeed())
	}
	open := func(prefix string) repository.Repository {
		repo, err := repotest.Open(repository.Env{TempDir: GinkgoT().TempDir()})(s3repo.Configure(server.URL("bucket", prefix), server.Credentials(), repotest.Names))
		Expect(err).NotTo(HaveOccurred())
		return repo
	}
	versions := func(entries []repository.Entry) map[string]string {
		got := map[string]string{}
		for _, entry := range entries {
			got[entry.Path] = entry.Metalink.Files[0].Version
		}
		return got
	}

	Describe("List", func() {
		It("pages through more than a thousand objects and parses every .meta4 among them", func() {
			const count = 1100
			uploads, uploadCtx := errgroup.WithContext(ctx)
			uploads.SetLimit(32)
			for i := range count {
				uploads.Go(func() error {
					return server.Put(uploadCtx, "bucket", fmt.Sprintf("repo/%02d/v1.0.%d.meta4", i%10, i), doc(fmt.Sprintf("1.0.%d", i)))
				})
			}
			Expect(uploads.Wait()).To(Succeed())
			put("repo/README.md", []byte("not a metalink"))
			put("elsewhere/v9.meta4", doc("9.0.0"))
			put("repository/v8.meta4", doc("8.0.0"))

			firstPage, err := server.Client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bucket"), Prefix: aws.String("repo/")})
			Expect(err).NotTo(HaveOccurred())
			Expect(aws.ToBool(firstPage.IsTruncated)).To(BeTrue(), "the listing must span several pages")

			entries, err := open("repo").List(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(entries).To(HaveLen(count))
			got := versions(entries)
			Expect(got).To(HaveKeyWithValue("00/v1.0.0.meta4", "1.0.0"))
			Expect(got).To(HaveKeyWithValue("09/v1.0.1099.meta4", "1.0.1099"))
			Expect(got).NotTo(HaveKey(ContainSubstring("v8")), "a sibling prefix is not part of the repository")
		})

		It("lists the whole bucket when the prefix is empty", func() {
			put("v1.meta4", doc("1.0.0"))
			put("sub/v2.meta4", doc("2.0.0"))
			Expect(open("").List(ctx)).To(WithTransform(versions, Equal(map[string]string{
				"v1.meta4": "1.0.0", "sub/v2.meta4": "2.0.0",
			})))
		})

		It("treats an empty prefix as an empty repository", func() {
			Expect(open("nothing/here/").List(ctx)).To(BeEmpty())
		})

		It("fetches on a warm list only the documents that are new or changed, and forgets deleted ones", func() {
			recorder := s3server.StartRecorder(GinkgoT(), server)
			env := repository.Env{TempDir: GinkgoT().TempDir()}
			list := func() map[string]string {
				repo, err := repotest.Open(env)(s3repo.Configure(recorder.URL("bucket", "repo/"), server.Credentials(), repotest.Names))
				Expect(err).NotTo(HaveOccurred())
				entries, err := repo.List(ctx)
				Expect(err).NotTo(HaveOccurred())
				return versions(entries)
			}
			gets := func() int { return len(recorder.Operations("GetObject")) }
			put("repo/a.meta4", doc("1.0.0"))
			put("repo/b.meta4", doc("2.0.0"))
			put("repo/c.meta4", doc("3.0.0"))

			Expect(list()).To(Equal(map[string]string{"a.meta4": "1.0.0", "b.meta4": "2.0.0", "c.meta4": "3.0.0"}))
			Expect(gets()).To(Equal(3), "cold: every document")
			Expect(list()).To(Equal(map[string]string{"a.meta4": "1.0.0", "b.meta4": "2.0.0", "c.meta4": "3.0.0"}))
			Expect(gets()).To(Equal(3), "warm and unchanged: the listing alone")

			put("repo/b.meta4", doc("2.0.1"))
			put("repo/d.meta4", doc("4.0.0"))
			_, err := server.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("bucket"), Key: aws.String("repo/c.meta4")})
			Expect(err).NotTo(HaveOccurred())
			Expect(list()).To(Equal(map[string]string{"a.meta4": "1.0.0", "b.meta4": "2.0.1", "d.meta4": "4.0.0"}))
			Expect(gets()).To(Equal(5), "the changed and the new document")
		})

		It("lists right from a cache it cannot read, and rebuilds it", func() {
			env := repository.Env{TempDir: GinkgoT().TempDir()}
			put("repo/a.meta4", doc("1.0.0"))
			repo, err := repotest.Open(env)(s3repo.Configure(server.URL("bucket", "repo/"), server.Credentials(), repotest.Names))
			Expect(err).NotTo(HaveOccurred())
			Expect(repo.List(ctx)).To(WithTransform(versions, Equal(map[string]string{"a.meta4": "1.0.0"})))
			caches, err := filepath.Glob(filepath.Join(env.TempDir, "metalink-repository-s3", "*", "metalinks-v2.gob"))
			Expect(err).NotTo(HaveOccurred())
			Expect(caches).To(HaveLen(1))
			Expect(os.WriteFile(caches[0], []byte("not gob"), 0o600)).To(Succeed())
			Expect(repo.List(ctx)).To(WithTransform(versions, Equal(map[string]string{"a.meta4": "1.0.0"})))
			Expect(os.ReadFile(caches[0])).NotTo(Equal([]byte("not gob")), "rebuilt")
		})

		It("names an unparsable document in its error", func() {
			put("repo/good.meta4", doc("1.0.0"))
			put("repo/broken.meta4", []byte("{not json"))
			_, err := open("repo/").List(ctx)
			Expect(err).To(MatchError(HavePrefix("parse " + server.URL("bucket", "repo/broken.meta4") + ": ")))
		})

		It("says a missing bucket is missing", func() {
			repo, err := repotest.Open(repository.Env{TempDir: GinkgoT().TempDir()})(s3repo.Configure(server.URL("nobucket", "repo/"), server.Credentials(), repotest.Names))
			Expect(err).NotTo(HaveOccurred())
			_, err = repo.List(ctx)
			Expect(err).To(MatchError(HavePrefix("list " + server.URL("nobucket", "repo/") + ": not found (NoSuchBucket")))
		})

		It("refuses wrong credentials with a one-line error that never shows the secret", func() {
			options := server.Credentials()
			options.SecretKey = "wrong-secret-0123"
			repo, err := repotest.Open(repository.Env{TempDir: GinkgoT().TempDir()})(s3repo.Configure(server.URL("bucket", "repo"), options, repotest.Names))
			Expect(err).NotTo(HaveOccurred())
			_, err = repo.List(ctx)
			Expect(err).To(MatchError(HavePrefix("list " + server.URL("bucket", "repo/") + ": access denied (SignatureDoesNotMatch")))
			Expect(err.Error()).NotTo(ContainSubstring("wrong-secret-0123"))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
		})
	})

	Describe("Put", func() {
		objectFile := func(key string) string { return filepath.Join(server.Dir, "bucket", filepath.FromSlash(key)) }

		It("stores a document under the prefix, where List finds it", func() {
			repo := open("repo")
			Expect(repo.Put(ctx, repository.Document{Name: "component/v2.1.0.meta4", Data: doc("2.1.0")})).To(Succeed())
			head, err := server.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bucket"), Key: aws.String("repo/component/v2.1.0.meta4")})
			Expect(err).NotTo(HaveOccurred())
			Expect(aws.ToString(head.ContentType)).To(Equal("application/json"))
			Expect(repo.List(ctx)).To(WithTransform(versions, Equal(map[string]string{"component/v2.1.0.meta4": "2.1.0"})))
		})

		It("carries the put's trailers as object metadata", func() {
			repo := open("repo")
			trailers := []repository.Trailer{{Key: "Mirrored-by", Value: "https://ci.example.com/builds/42"}}
			Expect(repo.Put(ctx, repository.Document{Name: "v2.2.0.meta4", Data: doc("2.2.0"), Trailers: trailers})).To(Succeed())
			head, err := server.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bucket"), Key: aws.String("repo/v2.2.0.meta4")})
			Expect(err).NotTo(HaveOccurred())
			Expect(head.Metadata).To(HaveKeyWithValue("mirrored-by", "https://ci.example.com/builds/42"))
		})

		It("leaves an identical object alone and replaces different content", func() {
			repo := open("repo/")
			Expect(repo.Put(ctx, repository.Document{Name: "v1.meta4", Data: doc("1.0.0")})).To(Succeed())
			before, err := os.Stat(objectFile("repo/v1.meta4"))
			Expect(err).NotTo(HaveOccurred())

			Expect(repo.Put(ctx, repository.Document{Name: "v1.meta4", Data: doc("1.0.0")})).To(Succeed())
			after, err := os.Stat(objectFile("repo/v1.meta4"))
			Expect(err).NotTo(HaveOccurred())
			Expect(os.SameFile(before, after)).To(BeTrue(), "an identical put must not upload again")

			Expect(repo.Put(ctx, repository.Document{Name: "v1.meta4", Data: doc("1.0.1")})).To(Succeed())
			Expect(os.ReadFile(objectFile("repo/v1.meta4"))).To(Equal(doc("1.0.1")))
		})

		It("refuses a name that would leave the prefix", func() {
			err := open("repo").Put(ctx, repository.Document{Name: "../v1.meta4", Data: doc("1.0.0")})
			Expect(err).To(MatchError(ContainSubstring("unsafe file name")))
		})

		It("stores the document with the upload options", func() {
			recorder := s3server.StartRecorder(GinkgoT(), server)
			options := server.Credentials()
			options.ServerSideEncryption, options.SSEKMSKeyID = "aws:kms:dsse", "alias/metalinks"
			options.StorageClass, options.ACL = "ONEZONE_IA", "bucket-owner-full-control"
			repo, err := repotest.Open(repository.Env{TempDir: GinkgoT().TempDir()})(s3repo.Configure(recorder.URL("bucket", "repo"), options, repotest.Names))
			Expect(err).NotTo(HaveOccurred())
			Expect(repo.Put(ctx, repository.Document{Name: "v1.meta4", Data: doc("1.0.0")})).To(Succeed())
			Expect(os.ReadFile(objectFile("repo/v1.meta4"))).To(Equal(doc("1.0.0")))

			heads := recorder.Operations("HeadObject")
			Expect(heads).To(HaveLen(1), "whether the object is there already")
			Expect(heads[0].UploadHeaders()).To(BeEmpty())
			puts := recorder.Operations("PutObject")
			Expect(puts).To(HaveLen(1))
			Expect(puts[0].UploadHeaders()).To(Equal(map[string]string{
				"X-Amz-Server-Side-Encryption": "aws:kms:dsse", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "alias/metalinks",
				"X-Amz-Storage-Class": "ONEZONE_IA", "X-Amz-Acl": "bucket-owner-full-control",
			}))
		})

		It("reports a refused upload with the object's URL", func() {
			options := server.Credentials()
			options.SecretKey = "wrong-secret-0123"
			repo, err := repotest.Open(repository.Env{TempDir: GinkgoT().TempDir()})(s3repo.Configure(server.URL("bucket", "repo"), options, repotest.Names))
			Expect(err).NotTo(HaveOccurred())
			err = repo.Put(ctx, repository.Document{Name: "v1.meta4", Data: doc("1.0.0")})
			Expect(err).To(MatchError(HavePrefix("put " + server.URL("bucket", "repo/v1.meta4") + ": access denied (SignatureDoesNotMatch")))
		})
	})

	DescribeTable("Configure refuses bad configuration, before connecting anywhere",
		func(uri string, options s3client.Options, want string) {
			// Nothing listens on port 1.
			_, err := s3repo.Configure(uri, options, repotest.Names)
			Expect(err).To(MatchError(want))
		},
		Entry("a bucket without a prefix or trailing slash", "s3://127.0.0.1:1/bucket", s3client.Options{},
			`source.uri: s3 url "s3://127.0.0.1:1/bucket": expected s3://HOST[:PORT]/BUCKET/KEY (a bucket followed by /)`),
		Entry("a secret key without an access key", "s3://127.0.0.1:1/bucket/", s3client.Options{SecretKey: "x"},
			"source.options: secret_key is set but access_key is not"),
		Entry("a KMS key without KMS encryption", "s3://127.0.0.1:1/bucket/", s3client.Options{SSEKMSKeyID: "alias/k"},
			"source.options: sse_kms_key_id needs server_side_encryption aws:kms or aws:kms:dsse"),
	)
})
