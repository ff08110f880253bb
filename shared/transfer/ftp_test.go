package transfer_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

var _ = Describe("the FTP handler", func() {
	var server *ftpServer

	BeforeEach(func() {
		server = startFTPServer(map[string][]byte{"/pub/go.tgz": content})
	})

	It("handles ftp URLs only", func() {
		Expect(transfer.NewFTP().Handles("ftp://example.com/x")).To(BeTrue())
		Expect(transfer.NewFTP().Handles("file:///x")).To(BeFalse())
	})

	It("downloads anonymously and reports the size", func(ctx SpecContext) {
		body, size, err := transfer.NewFTP().Open(ctx, ftpURL(server, "", "/pub/go.tgz"), 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(size).To(Equal(int64(len(content))))
		Expect(readAll(body)).To(Equal(content))
		Expect(server.loginNames()).To(Equal([]string{"anonymous"}))
	})

	It("logs in with the URL's userinfo", func(ctx SpecContext) {
		server.user, server.password = "mirror", "pa55"
		body, _, err := transfer.NewFTP().Open(ctx, ftpURL(server, "mirror:pa55", "/pub/go.tgz"), 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(readAll(body)).To(Equal(content))
		Expect(server.loginNames()).To(Equal([]string{"mirror"}))
	})

	It("refuses a wrong password as final, without echoing it", func(ctx SpecContext) {
		server.user, server.password = "mirror", "pa55"
		_, _, err := transfer.NewFTP().Open(ctx, ftpURL(server, "mirror:wrong-secret", "/pub/go.tgz"), 0)
		Expect(err).To(MatchError(ContainSubstring("ftp login: 530 Login incorrect.")))
		Expect(err.Error()).NotTo(ContainSubstring("wrong-secret"))
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("resumes from an offset with REST", func(ctx SpecContext) {
		body, _, err := transfer.NewFTP().Open(ctx, ftpURL(server, "", "/pub/go.tgz"), 5000)
		Expect(err).NotTo(HaveOccurred())
		Expect(readAll(body)).To(Equal(content[5000:]))
		Expect(server.restartOffsets()).To(Equal([]int64{5000}))
	})

	It("reports a missing file as final", func(ctx SpecContext) {
		_, _, err := transfer.NewFTP().Open(ctx, ftpURL(server, "", "/pub/missing.tgz"), 0)
		Expect(err).To(MatchError(ContainSubstring("550 No such file.")))
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("reports an aborted transfer as transient", func(ctx SpecContext) {
		server.cutAfter = 1000
		body, _, err := transfer.NewFTP().Open(ctx, ftpURL(server, "", "/pub/go.tgz"), 0)
		Expect(err).NotTo(HaveOccurred())
		got, err := readAll(body)
		Expect(got).To(Equal(content[:1000]))
		Expect(err).To(MatchError("ftp transfer incomplete: 426 Connection closed; transfer aborted."))
		Expect(transfer.IsTransient(err)).To(BeTrue())
	})

	It("reports a dead server as transient", func(ctx SpecContext) {
		_, _, err := transfer.NewFTP().Open(ctx, "ftp"+closedPortURL()[len("http"):], 0)
		Expect(err).To(MatchError(ContainSubstring("connection refused")))
		Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
		Expect(transfer.IsTransient(err)).To(BeTrue())
	})

	DescribeTable("refuses URLs it cannot use",
		func(ctx SpecContext, rawURL, message string) {
			_, _, err := transfer.NewFTP().Open(ctx, rawURL, 0)
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("no host", "ftp:///pub/x", "ftp URL has no host"),
		Entry("no path", "ftp://127.0.0.1:1/", "ftp URL has no file path"),
	)
})
