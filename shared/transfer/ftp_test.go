package transfer_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/ftpserver"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

var _ = Describe("the FTP handler", func() {
	var server *ftpserver.Server

	BeforeEach(func() {
		server = ftpserver.Start(GinkgoT(), map[string][]byte{"/pub/go.tgz": content})
	})

	It("handles ftp URLs only", func() {
		Expect(transfer.NewFTP().Handles("ftp://example.com/x")).To(BeTrue())
		Expect(transfer.NewFTP().Handles("file:///x")).To(BeFalse())
	})

	It("downloads anonymously and reports the size", func(ctx SpecContext) {
		body, size, err := transfer.NewFTP().Open(ctx, server.URL("", "/pub/go.tgz"), 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(size).To(Equal(int64(len(content))))
		Expect(readAll(body)).To(Equal(content))
		Expect(server.Logins()).To(Equal([]string{"anonymous"}))
	})

	It("logs in with the URL's userinfo", func(ctx SpecContext) {
		server.SetLogin("mirror", "pa55")
		body, _, err := transfer.NewFTP().Open(ctx, server.URL("mirror:pa55", "/pub/go.tgz"), 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(readAll(body)).To(Equal(content))
		Expect(server.Logins()).To(Equal([]string{"mirror"}))
	})

	It("refuses a wrong password as final, without echoing it", func(ctx SpecContext) {
		server.SetLogin("mirror", "pa55")
		_, _, err := transfer.NewFTP().Open(ctx, server.URL("mirror:wrong-secret", "/pub/go.tgz"), 0)
		Expect(err).To(MatchError(ContainSubstring("ftp login: 530 Login incorrect.")))
		Expect(err.Error()).NotTo(ContainSubstring("wrong-secret"))
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("resumes from an offset with REST", func(ctx SpecContext) {
		body, _, err := transfer.NewFTP().Open(ctx, server.URL("", "/pub/go.tgz"), 5000)
		Expect(err).NotTo(HaveOccurred())
		Expect(readAll(body)).To(Equal(content[5000:]))
		Expect(server.RestartOffsets()).To(Equal([]int64{5000}))
	})

	It("reports a missing file as final", func(ctx SpecContext) {
		_, _, err := transfer.NewFTP().Open(ctx, server.URL("", "/pub/missing.tgz"), 0)
		Expect(err).To(MatchError(ContainSubstring("550 No such file.")))
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("reports an aborted transfer as transient", func(ctx SpecContext) {
		server.CutRetrAfter(1000)
		body, _, err := transfer.NewFTP().Open(ctx, server.URL("", "/pub/go.tgz"), 0)
		Expect(err).NotTo(HaveOccurred())
		got, err := readAll(body)
		Expect(got).To(Equal(content[:1000]))
		Expect(err).To(MatchError("ftp transfer incomplete: 426 Connection closed; transfer aborted."))
		Expect(transfer.IsTransient(err)).To(BeTrue())
	})

	It("reports a dead server as final, so the next mirror is tried at once", func(ctx SpecContext) {
		_, _, err := transfer.NewFTP().Open(ctx, "ftp"+closedPortURL()[len("http"):], 0)
		Expect(err).To(MatchError(ContainSubstring("connection refused")))
		Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("gives up, as transient, on a server that accepts the connection but never answers", func(ctx SpecContext) {
		handler := &transfer.FTP{Timeout: 200 * time.Millisecond}
		err := openInBackground(ctx, handler, "ftp://"+startSilentServer()+"/pub/go.tgz")
		Expect(err).To(MatchError(ContainSubstring("timeout")))
		Expect(transfer.IsTransient(err)).To(BeTrue())
	})

	It("ends an exchange the server never answers when the context is cancelled", func(ctx SpecContext) {
		openCtx, cancel := context.WithCancel(ctx)
		time.AfterFunc(100*time.Millisecond, cancel)
		err := openInBackground(openCtx, transfer.NewFTP(), "ftp://"+startSilentServer()+"/pub/go.tgz")
		Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "%v", err)
		Expect(transfer.IsTransient(err)).To(BeFalse())
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

// startSilentServer accepts connections and never writes a byte, like a
// firewalled or hung FTP server; it returns its address.
func startSilentServer() string {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	DeferCleanup(func() {
		_ = listener.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, conn := range conns {
			_ = conn.Close()
		}
	})
	return listener.Addr().String()
}

// openInBackground opens rawURL and returns its error, failing the spec if
// Open has not returned within a few seconds.
func openInBackground(ctx context.Context, handler transfer.Handler, rawURL string) error {
	done := make(chan error, 1)
	go func() {
		body, _, err := handler.Open(ctx, rawURL, 0)
		if body != nil {
			_ = body.Close()
		}
		done <- err
	}()
	var err error
	Eventually(done).WithTimeout(5 * time.Second).Should(Receive(&err))
	return err
}
