package s3client_test

import (
	"net"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// The custom endpoint VirtualDomain:PORT never resolves: the child process
// reaches it through the Recorder as its HTTP proxy (Go reads HTTP_PROXY once
// per process), and versitygw takes BUCKET.VirtualDomain as the bucket.
var _ = Describe("use_path_style, through an HTTP proxy in a process of its own", func() {
	const content = "0123456789"
	var (
		server   *s3server.Server
		recorder *s3server.Recorder
		custom   string // VirtualDomain:PORT
	)

	BeforeEach(func(ctx SpecContext) {
		server = s3server.Start(GinkgoT(), "bucket")
		Expect(server.Put(ctx, "bucket", "dir/file.txt", []byte(content))).To(Succeed())
		recorder = s3server.StartRecorder(GinkgoT(), server)
		_, port, err := net.SplitHostPort(server.Host)
		Expect(err).NotTo(HaveOccurred())
		custom = s3server.VirtualDomain + ":" + port
	})

	readThroughProxy := func(ctx SpecContext, opts s3client.Options) s3server.Request {
		stdout, stderr, err := readInChild(ctx, "s3://"+custom+"/bucket/dir/file.txt", opts, "HTTP_PROXY="+recorder.Endpoint)
		Expect(err).NotTo(HaveOccurred(), stderr)
		Expect(stdout).To(Equal(content))
		gets := recorder.Operations("GetObject")
		Expect(gets).To(HaveLen(1))
		return gets[0]
	}

	It("false puts the bucket in the host name", func(ctx SpecContext) {
		opts := server.Credentials()
		opts.UsePathStyle = new(strictjson.Bool(false))
		get := readThroughProxy(ctx, opts)
		Expect(get.Host).To(Equal("bucket." + custom))
		Expect(get.Path).To(Equal("/dir/file.txt"))
	})

	It("unset keeps the bucket in the path for a custom endpoint", func(ctx SpecContext) {
		get := readThroughProxy(ctx, server.Credentials())
		Expect(get.Host).To(Equal(custom))
		Expect(get.Path).To(Equal("/bucket/dir/file.txt"))
	})
})
