package ftpserver_test

import (
	"bytes"
	"io"
	"strings"

	"github.com/jlaffaye/ftp"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/ftpserver"
)

// login connects the client library to server as user.
func login(server *ftpserver.Server, user, password string) *ftp.ServerConn {
	conn, err := ftp.Dial(server.Addr)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { _ = conn.Quit() })
	Expect(conn.Login(user, password)).To(Succeed())
	return conn
}

func retrieve(conn *ftp.ServerConn, path string) ([]byte, error) {
	resp, err := conn.Retr(path)
	if err != nil {
		return nil, err
	}
	content, err := io.ReadAll(resp)
	if closeErr := resp.Close(); err == nil {
		err = closeErr
	}
	return content, err
}

var _ = Describe("the test FTP server", func() {
	var server *ftpserver.Server

	BeforeEach(func() {
		server = ftpserver.Start(GinkgoT(), map[string][]byte{"/pub/go.tgz": []byte("seeded")})
	})

	It("serves its files to anonymous logins, with their sizes", func() {
		conn := login(server, "anonymous", "anonymous")
		Expect(conn.FileSize("/pub/go.tgz")).To(BeEquivalentTo(6))
		Expect(retrieve(conn, "/pub/go.tgz")).To(Equal([]byte("seeded")))
		Expect(server.Logins()).To(Equal([]string{"anonymous"}))
		Expect(server.URL("u:p", "pub/go.tgz")).To(Equal("ftp://u:p@" + server.Addr + "/pub/go.tgz"))
	})

	It("accepts only the configured account once one is set, and never logs its password", func() {
		server.SetLogin("mirror", "pa55")
		conn, err := ftp.Dial(server.Addr)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = conn.Quit() })
		Expect(conn.Login("anonymous", "anonymous")).To(MatchError(ContainSubstring("530")))
		Expect(conn.Login("mirror", "pa55")).To(Succeed())
		Expect(strings.Join(server.Commands(), "\n")).NotTo(ContainSubstring("pa55"))
		Expect(server.Commands()).To(ContainElement("PASS ****"))
	})

	It("stores, renames over an existing file, deletes and makes directories", func() {
		conn := login(server, "anonymous", "anonymous")
		Expect(conn.Stor("/new/a.bin", strings.NewReader("x"))).To(MatchError(ContainSubstring("553")), "no such directory")
		Expect(conn.MakeDir("/new")).To(Succeed())
		Expect(conn.MakeDir("/new")).To(MatchError(ContainSubstring("550")), "exists already")
		Expect(conn.Stor("/new/.a.bin.part", strings.NewReader("uploaded"))).To(Succeed())
		Expect(conn.FileSize("/new/.a.bin.part")).To(BeEquivalentTo(8))
		Expect(conn.Stor("/new/a.bin", strings.NewReader("old"))).To(Succeed())
		Expect(conn.Rename("/new/.a.bin.part", "/new/a.bin")).To(Succeed())
		Expect(server.File("/new/a.bin")).To(Equal([]byte("uploaded")))
		Expect(server.Names("/new")).To(Equal([]string{"a.bin"}))
		Expect(conn.Delete("/new/a.bin")).To(Succeed())
		Expect(conn.Delete("/new/a.bin")).To(MatchError(ContainSubstring("550")))
		Expect(server.Names("/new")).To(BeEmpty())
		Expect(server.Names("/")).To(Equal([]string{"new", "pub"}))
		Expect(server.Count("STOR")).To(Equal(3))
	})

	It("aborts a STOR part-way on request, keeping what arrived", func() {
		server.FailStorAfter(4)
		conn := login(server, "anonymous", "anonymous")
		err := conn.Stor("/pub/cut.bin", bytes.NewReader(make([]byte, 8<<20)))
		Expect(err).To(MatchError(ContainSubstring("Transfer aborted")))
		Expect(server.File("/pub/cut.bin")).To(HaveLen(4))
	})

	It("refuses RNTO on request", func() {
		server.RefuseRename()
		conn := login(server, "anonymous", "anonymous")
		Expect(conn.Rename("/pub/go.tgz", "/pub/other.tgz")).To(MatchError(ContainSubstring("553")))
		Expect(server.Names("/pub")).To(Equal([]string{"go.tgz"}))
	})

	It("cuts a RETR short on request", func() {
		server.CutRetrAfter(2)
		conn := login(server, "anonymous", "anonymous")
		content, err := retrieve(conn, "/pub/go.tgz")
		Expect(content).To(Equal([]byte("se")))
		Expect(err).To(MatchError(ContainSubstring("426")))
	})
})
