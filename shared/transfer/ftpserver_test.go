package transfer_test

import (
	"bufio"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// ftpServer is a minimal passive-mode FTP server on 127.0.0.1 speaking the
// commands the client library sends (USER PASS FEAT TYPE OPTS SIZE EPSV REST
// RETR QUIT). No FTP server package is available to the tests, so this small
// one stands in for it; it speaks the real protocol over real sockets.
type ftpServer struct {
	listener net.Listener
	files    map[string][]byte
	user     string // empty: anonymous logins only
	password string
	cutAfter int // >0: abort each RETR after this many bytes

	mu        sync.Mutex
	restarts  []int64
	logins    []string
	conns     map[net.Conn]struct{}
	waitGroup sync.WaitGroup
}

func startFTPServer(files map[string][]byte) *ftpServer {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	s := &ftpServer{listener: listener, files: files, conns: map[net.Conn]struct{}{}}
	s.waitGroup.Add(1)
	go s.acceptLoop()
	DeferCleanup(s.stop)
	return s
}

func (s *ftpServer) addr() string { return s.listener.Addr().String() }

func (s *ftpServer) stop() {
	_ = s.listener.Close()
	s.mu.Lock()
	for conn := range s.conns {
		_ = conn.Close()
	}
	s.mu.Unlock()
	s.waitGroup.Wait()
}

func (s *ftpServer) restartOffsets() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.restarts...)
}

func (s *ftpServer) loginNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.logins...)
}

func (s *ftpServer) acceptLoop() {
	defer s.waitGroup.Done()
	for {
		conn, err := s.listener.Accept()
		if err != nil {
			return
		}
		s.track(conn, true)
		s.waitGroup.Add(1)
		go s.session(conn)
	}
}

func (s *ftpServer) track(conn net.Conn, open bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if open {
		s.conns[conn] = struct{}{}
	} else {
		delete(s.conns, conn)
	}
}

type ftpSession struct {
	server   *ftpServer
	control  *textproto.Conn
	user     string
	loggedIn bool
	passive  net.Listener
	offset   int64
}

func (s *ftpServer) session(conn net.Conn) {
	defer s.waitGroup.Done()
	defer s.track(conn, false)
	session := &ftpSession{server: s, control: textproto.NewConn(conn)}
	defer func() { _ = session.control.Close() }() // the client may have closed it
	defer session.closePassive()
	_ = session.control.PrintfLine("220 test server ready")
	for {
		line, err := session.control.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		if !session.handle(strings.ToUpper(verb), arg) {
			return
		}
	}
}

// handle answers one command and reports whether the session goes on.
func (c *ftpSession) handle(verb, arg string) bool {
	reply := c.control.PrintfLine
	switch verb {
	case "USER":
		c.user = arg
		_ = reply("331 password please")
	case "PASS":
		c.login(arg)
	case "FEAT":
		_ = reply("211-Features:\r\n SIZE\r\n REST STREAM\r\n EPSV\r\n211 End")
	case "TYPE", "OPTS":
		_ = reply("200 ok")
	case "SIZE":
		c.size(arg)
	case "EPSV":
		c.openPassive()
	case "REST":
		c.offset, _ = strconv.ParseInt(arg, 10, 64)
		c.server.mu.Lock()
		c.server.restarts = append(c.server.restarts, c.offset)
		c.server.mu.Unlock()
		_ = reply("350 restarting at %d", c.offset)
	case "RETR":
		c.retrieve(arg)
	case "QUIT":
		_ = reply("221 bye")
		return false
	default:
		_ = reply("502 %s not implemented", verb)
	}
	return true
}

func (c *ftpSession) login(password string) {
	s := c.server
	anonymousOK := s.user == "" && c.user == "anonymous"
	if anonymousOK || (c.user == s.user && password == s.password) {
		c.loggedIn = true
		s.mu.Lock()
		s.logins = append(s.logins, c.user)
		s.mu.Unlock()
		_ = c.control.PrintfLine("230 logged in")
		return
	}
	_ = c.control.PrintfLine("530 Login incorrect.")
}

func (c *ftpSession) size(path string) {
	data, ok := c.server.files[path]
	if !ok || !c.loggedIn {
		_ = c.control.PrintfLine("550 No such file.")
		return
	}
	_ = c.control.PrintfLine("213 %d", len(data))
}

func (c *ftpSession) openPassive() {
	c.closePassive()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = c.control.PrintfLine("425 cannot open data connection")
		return
	}
	c.passive = listener
	port := listener.Addr().(*net.TCPAddr).Port
	_ = c.control.PrintfLine("229 Entering Extended Passive Mode (|||%d|)", port)
}

func (c *ftpSession) closePassive() {
	if c.passive != nil {
		_ = c.passive.Close()
		c.passive = nil
	}
}

func (c *ftpSession) retrieve(path string) {
	defer c.closePassive()
	offset := c.offset
	c.offset = 0
	data, ok := c.server.files[path]
	if !ok || !c.loggedIn || c.passive == nil {
		_ = c.control.PrintfLine("550 No such file.")
		return
	}
	dataConn, err := c.passive.Accept()
	if err != nil {
		_ = c.control.PrintfLine("425 no data connection")
		return
	}
	_ = c.control.PrintfLine("150 sending %s", path)
	payload := data[offset:]
	cut := c.server.cutAfter > 0 && c.server.cutAfter < len(payload)
	if cut {
		payload = payload[:c.server.cutAfter]
	}
	writer := bufio.NewWriter(dataConn)
	_, writeErr := writer.Write(payload)
	_ = writer.Flush()
	_ = dataConn.Close()
	if cut || writeErr != nil {
		_ = c.control.PrintfLine("426 Connection closed; transfer aborted.")
		return
	}
	_ = c.control.PrintfLine("226 Transfer complete.")
}

func ftpURL(s *ftpServer, userinfo, path string) string {
	if userinfo != "" {
		userinfo += "@"
	}
	return fmt.Sprintf("ftp://%s%s%s", userinfo, s.addr(), path)
}
