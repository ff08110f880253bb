// Package ftpserver is a small FTP server on 127.0.0.1 for tests, over real
// sockets in extended passive mode, holding its files in memory. It speaks
// what github.com/jlaffaye/ftp sends to download (USER PASS FEAT TYPE OPTS
// SIZE EPSV REST RETR QUIT) and to upload (STOR RNFR RNTO DELE MKD), and it
// can misbehave on purpose: cut every RETR short, abort every STOR part-way
// (keeping the bytes received, as a real server does), refuse every RNTO.
//
// No maintained FTP server library is available to the project, so this one
// stands in for the real thing; every command it receives is logged, so that
// a test can prove what a client did not do (a second STOR).
package ftpserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TB is the part of testing.TB (and of GinkgoT()) the server needs.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// dataTimeout bounds the wait for a client to open the data connection it
// asked for, so that a session never outlives its test.
const dataTimeout = 10 * time.Second

// Server is a running FTP server. Paths are absolute ("/pub/go.tgz"); the
// root directory always exists.
type Server struct {
	Addr string // 127.0.0.1:PORT

	listener net.Listener
	sessions sync.WaitGroup

	mu       sync.Mutex
	files    map[string][]byte
	dirs     map[string]bool
	user     string // "": anonymous logins only
	password string
	cutRetr  int // >0: abort each RETR after this many bytes
	failStor int // >0: abort each STOR after this many bytes
	noRename bool
	commands []string
	logins   []string
	restarts []int64
	open     map[io.Closer]struct{} // connections and passive listeners
}

// Start serves files (path → content; their directories exist) until the
// test ends.
func Start(t TB, files map[string][]byte) *Server {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ftpserver: %v", err)
	}
	s := &Server{
		Addr: listener.Addr().String(), listener: listener,
		files: map[string][]byte{}, dirs: map[string]bool{"/": true}, open: map[io.Closer]struct{}{},
	}
	for name, content := range files {
		s.Put(name, content)
	}
	s.sessions.Add(1)
	go s.acceptLoop()
	t.Cleanup(s.stop)
	return s
}

// URL is the ftp:// URL of p on the server, with userinfo ("user:password")
// unless it is empty.
func (s *Server) URL(userinfo, p string) string {
	if userinfo != "" {
		userinfo += "@"
	}
	return "ftp://" + userinfo + s.Addr + clean(p)
}

// SetLogin accepts only user with password from now on; anonymous logins
// are refused.
func (s *Server) SetLogin(user, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.password = user, password
}

// CutRetrAfter makes every RETR send only n bytes and then report the
// transfer aborted (426).
func (s *Server) CutRetrAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cutRetr = n
}

// FailStorAfter makes every STOR read only n bytes, keep them under the
// file's name, close the data connection and report the transfer aborted
// (451).
func (s *Server) FailStorAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failStor = n
}

// RefuseRename makes every RNTO fail (553).
func (s *Server) RefuseRename() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noRename = true
}

// File is a copy of the content of p; an error when there is no such file.
func (s *Server) File(p string) ([]byte, error) {
	content, err := s.content(p)
	return slices.Clone(content), err
}

// content is the content of p, shared: the server replaces a file's slice
// and never writes into one, so sessions read it without the copy, which
// costs a large file's worth of memory and time for every SIZE and RETR.
func (s *Server) content(p string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	content, ok := s.files[clean(p)]
	if !ok {
		return nil, fmt.Errorf("ftpserver: no file %s", clean(p))
	}
	return content, nil
}

// Put stores content at p, creating its directories, as another client
// would, without a command in the log.
func (s *Server) Put(p string, content []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p = clean(p)
	s.files[p] = slices.Clone(content)
	s.makeParents(p)
}

// Names lists the files and directories directly inside dir, sorted.
func (s *Server) Names(dir string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	dir = clean(dir)
	var names []string
	for _, entries := range []map[string]bool{s.fileSet(), s.dirs} {
		for p := range entries {
			if p != "/" && path.Dir(p) == dir {
				names = append(names, path.Base(p))
			}
		}
	}
	slices.Sort(names)
	return names
}

func (s *Server) fileSet() map[string]bool {
	set := make(map[string]bool, len(s.files))
	for p := range s.files {
		set[p] = true
	}
	return set
}

// Commands lists every command received, in order, as "VERB ARGUMENT"; a
// password is logged as "PASS ****".
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands)
}

// Count is how many commands with verb were received.
func (s *Server) Count(verb string) int {
	n := 0
	for _, command := range s.Commands() {
		if v, _, _ := strings.Cut(command, " "); v == verb {
			n++
		}
	}
	return n
}

// Logins lists the users that logged in, in order.
func (s *Server) Logins() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.logins)
}

// RestartOffsets lists the offsets of every REST, in order.
func (s *Server) RestartOffsets() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.restarts)
}

func (s *Server) stop() {
	_ = s.listener.Close()
	s.mu.Lock()
	for c := range s.open {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.sessions.Wait()
}

func (s *Server) acceptLoop() {
	defer s.sessions.Done()
	for {
		conn, err := s.listener.Accept()
		if err != nil {
			return
		}
		s.track(conn)
		s.sessions.Add(1)
		go s.session(conn)
	}
}

// track and untrack keep the connections and listeners stop closes.
func (s *Server) track(c io.Closer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open[c] = struct{}{}
}

func (s *Server) untrack(c io.Closer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.open, c)
	_ = c.Close()
}

func (s *Server) log(verb, arg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if verb == "PASS" {
		arg = "****"
	}
	s.commands = append(s.commands, strings.TrimSpace(verb+" "+arg))
}

// clean makes p absolute and canonical: the session's directory is always
// the root.
func clean(p string) string { return path.Clean("/" + p) }

// makeParents creates every directory above p; s.mu is held.
func (s *Server) makeParents(p string) {
	for dir := path.Dir(p); !s.dirs[dir]; dir = path.Dir(dir) {
		s.dirs[dir] = true
	}
}

// session is one control connection.
type session struct {
	server   *Server
	control  *textproto.Conn
	user     string
	loggedIn bool
	passive  net.Listener
	offset   int64
	renaming string // the path of a pending RNFR
}

func (s *Server) session(conn net.Conn) {
	defer s.sessions.Done()
	defer s.untrack(conn)
	c := &session{server: s, control: textproto.NewConn(conn)}
	defer c.closePassive()
	c.reply("220 test server ready")
	for {
		line, err := c.control.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		s.log(verb, arg)
		if !c.handle(verb, arg) {
			return
		}
	}
}

// reply writes one reply; a client that went away ends the session at its
// next command.
func (c *session) reply(format string, args ...any) {
	_ = c.control.PrintfLine(format, args...)
}

// handle answers one command and reports whether the session goes on.
func (c *session) handle(verb, arg string) bool {
	switch verb {
	case "USER":
		c.user = arg
		c.reply("331 password please")
		return true
	case "PASS":
		c.login(arg)
		return true
	case "QUIT":
		c.reply("221 bye")
		return false
	}
	if !c.loggedIn {
		c.reply("530 Please login with USER and PASS.")
		return true
	}
	c.handleLoggedIn(verb, arg)
	return true
}

func (c *session) handleLoggedIn(verb, arg string) {
	switch verb {
	case "FEAT":
		c.reply("211-Features:\r\n SIZE\r\n REST STREAM\r\n EPSV\r\n211 End")
	case "TYPE", "OPTS", "NOOP":
		c.reply("200 ok")
	case "EPSV":
		c.openPassive()
	case "REST":
		c.restart(arg)
	case "SIZE":
		c.size(clean(arg))
	case "RETR":
		c.retrieve(clean(arg))
	case "STOR":
		c.store(clean(arg))
	case "RNFR":
		c.renameFrom(clean(arg))
	case "RNTO":
		c.renameTo(clean(arg))
	case "DELE":
		c.remove(clean(arg))
	case "MKD":
		c.makeDir(clean(arg))
	default:
		c.reply("502 %s not implemented", verb)
	}
}

func (c *session) login(password string) {
	s := c.server
	s.mu.Lock()
	anonymousOK := s.user == "" && c.user == "anonymous"
	c.loggedIn = anonymousOK || (s.user != "" && c.user == s.user && password == s.password)
	if c.loggedIn {
		s.logins = append(s.logins, c.user)
	}
	s.mu.Unlock()
	if !c.loggedIn {
		c.reply("530 Login incorrect.")
		return
	}
	c.reply("230 logged in")
}

func (c *session) restart(arg string) {
	offset, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || offset < 0 {
		c.reply("501 bad offset")
		return
	}
	c.offset = offset
	c.server.mu.Lock()
	c.server.restarts = append(c.server.restarts, offset)
	c.server.mu.Unlock()
	c.reply("350 restarting at %d", offset)
}

func (c *session) size(p string) {
	content, err := c.server.content(p)
	if err != nil {
		c.reply("550 No such file.")
		return
	}
	c.reply("213 %d", len(content))
}

func (c *session) openPassive() {
	c.closePassive()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		c.reply("425 cannot open data connection")
		return
	}
	_ = listener.(*net.TCPListener).SetDeadline(time.Now().Add(dataTimeout))
	c.server.track(listener)
	c.passive = listener
	c.reply("229 Entering Extended Passive Mode (|||%d|)", listener.Addr().(*net.TCPAddr).Port)
}

func (c *session) closePassive() {
	if c.passive != nil {
		c.server.untrack(c.passive)
		c.passive = nil
	}
}

// acceptData takes the data connection of a transfer, announcing it with
// preliminary; nil (the reply sent) when there is none.
func (c *session) acceptData(preliminary string) net.Conn {
	defer c.closePassive()
	if c.passive == nil {
		c.reply("425 Use EPSV first.")
		return nil
	}
	conn, err := c.passive.Accept()
	if err != nil {
		c.reply("425 no data connection")
		return nil
	}
	c.server.track(conn)
	c.reply("%s", preliminary)
	return conn
}

func (c *session) retrieve(p string) {
	offset := c.offset
	c.offset = 0
	content, err := c.server.content(p)
	if err != nil || offset > int64(len(content)) {
		c.closePassive()
		c.reply("550 No such file.")
		return
	}
	data := c.acceptData("150 sending " + p)
	if data == nil {
		return
	}
	payload := content[offset:]
	c.server.mu.Lock()
	limit := c.server.cutRetr
	c.server.mu.Unlock()
	cut := limit > 0 && limit < len(payload)
	if cut {
		payload = payload[:limit]
	}
	writer := bufio.NewWriter(data)
	_, writeErr := writer.Write(payload)
	writeErr = errors.Join(writeErr, writer.Flush())
	c.server.untrack(data)
	if cut || writeErr != nil {
		c.reply("426 Connection closed; transfer aborted.")
		return
	}
	c.reply("226 Transfer complete.")
}

// store writes what the client sends to p. The file exists from the start of
// the transfer, and keeps what arrived when it fails, as on a disk.
func (c *session) store(p string) {
	offset := c.offset
	c.offset = 0
	if offset != 0 {
		c.closePassive()
		c.reply("504 REST before STOR is not supported")
		return
	}
	if err := c.server.create(p); err != nil {
		c.closePassive()
		c.reply("553 %v", err)
		return
	}
	data := c.acceptData("150 ready for " + p)
	if data == nil {
		return
	}
	c.server.mu.Lock()
	limit := c.server.failStor
	c.server.mu.Unlock()
	var reader io.Reader = data
	if limit > 0 {
		reader = io.LimitReader(data, int64(limit))
	}
	content, readErr := io.ReadAll(reader)
	c.server.untrack(data)
	c.server.write(p, content)
	if limit > 0 || readErr != nil {
		c.reply("451 Transfer aborted: local error in processing.")
		return
	}
	c.reply("226 Transfer complete.")
}

// create makes p an empty file, in a directory that exists.
func (s *Server) create(p string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirs[path.Dir(p)] {
		return fmt.Errorf("%s: no such directory", path.Dir(p))
	}
	if s.dirs[p] {
		return fmt.Errorf("%s is a directory", p)
	}
	s.files[p] = nil
	return nil
}

// write replaces the content of p, unless it was deleted meanwhile.
func (s *Server) write(p string, content []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.files[p]; ok {
		s.files[p] = content
	}
}

func (c *session) renameFrom(p string) {
	if _, err := c.server.content(p); err != nil {
		c.renaming = ""
		c.reply("550 No such file.")
		return
	}
	c.renaming = p
	c.reply("350 ready for RNTO")
}

func (c *session) renameTo(p string) {
	from := c.renaming
	c.renaming = ""
	if from == "" {
		c.reply("503 RNFR first")
		return
	}
	if err := c.server.rename(from, p); err != nil {
		c.reply("553 %v", err)
		return
	}
	c.reply("250 renamed")
}

// rename moves from to p, replacing a file there, as rename(2) does.
func (s *Server) rename(from, p string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.noRename:
		return errors.New("rename refused")
	case !s.dirs[path.Dir(p)]:
		return fmt.Errorf("%s: no such directory", path.Dir(p))
	case s.dirs[p]:
		return fmt.Errorf("%s is a directory", p)
	}
	content, ok := s.files[from]
	if !ok {
		return fmt.Errorf("%s: no such file", from)
	}
	delete(s.files, from)
	s.files[p] = content
	return nil
}

func (c *session) remove(p string) {
	s := c.server
	s.mu.Lock()
	_, ok := s.files[p]
	delete(s.files, p)
	s.mu.Unlock()
	if !ok {
		c.reply("550 No such file.")
		return
	}
	c.reply("250 deleted")
}

func (c *session) makeDir(p string) {
	s := c.server
	s.mu.Lock()
	_, isFile := s.files[p]
	ok := s.dirs[path.Dir(p)] && !s.dirs[p] && !isFile
	if ok {
		s.dirs[p] = true
	}
	s.mu.Unlock()
	if !ok {
		c.reply("550 %s: cannot create directory", p)
		return
	}
	c.reply("257 %q created", p)
}
