package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"net/url"
	"sync"
	"time"

	"github.com/jlaffaye/ftp"
)

// DefaultFTPTimeout bounds connecting and each read or write, on the control
// and the data connections alike: a server silent for that long has stalled.
const DefaultFTPTimeout = 30 * time.Second

// FTP reads ftp:// URLs, logging in with the URL's userinfo or anonymously,
// and resumes with REST. Its Connect gives mirror's ftp:// uploads sessions
// with the same timeouts and cancellation.
type FTP struct {
	Timeout time.Duration
}

// NewFTP returns the ftp:// handler.
func NewFTP() *FTP { return &FTP{Timeout: DefaultFTPTimeout} }

// Handles reports whether rawURL is an ftp URL.
func (h *FTP) Handles(rawURL string) bool { return Scheme(rawURL) == "ftp" }

// Open logs in, asks for the size and starts a RETR from offset. The control
// connection lives as long as the body and is closed with it.
func (h *FTP) Open(ctx context.Context, rawURL string, offset int64) (io.ReadCloser, int64, error) {
	target, err := ParseFTPURL(rawURL)
	if err != nil {
		return nil, 0, err
	}
	conn, err := h.Connect(ctx, target)
	if err != nil {
		return nil, 0, err
	}
	body, size, err := retrieve(ctx, conn, target, offset)
	if err != nil {
		_ = conn.Quit()
		return nil, 0, setupError(ctx, err)
	}
	return body, size, nil
}

// Connect dials target's server and logs in, in binary mode. Each read or
// write on the connections of the session has the handler's timeout, and
// cancelling ctx closes them; the caller ends the session with Quit. Its
// errors are FTPError's, for the steps "connect" and "login".
func (h *FTP) Connect(ctx context.Context, target FTPTarget) (*ftp.ServerConn, error) {
	conn, err := ftp.Dial(target.Addr,
		ftp.DialWithDialFunc(h.dialer(ctx)),
		ftp.DialWithShutTimeout(h.timeout()))
	if err != nil {
		return nil, setupError(ctx, FTPError("connect", err))
	}
	if err := conn.Login(target.User, target.Password); err != nil {
		_ = conn.Quit()
		return nil, setupError(ctx, FTPError("login", err))
	}
	return conn, nil
}

// setupError prefers the reason a cancelled ctx gives over the error of the
// connection it closed.
func setupError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// dialer opens the control and data connections of one Open. Each read or
// write on them must finish within the timeout, so that a server that
// accepts a connection and then goes silent fails instead of hanging the
// transfer, and cancelling ctx closes them, which ends a blocked exchange.
func (h *FTP) dialer(ctx context.Context) func(network, address string) (net.Conn, error) {
	dialer := &net.Dialer{Timeout: h.timeout()}
	return func(network, address string) (net.Conn, error) {
		conn, err := dialer.DialContext(ctx, network, address)
		if err != nil {
			return nil, err
		}
		unwatch := context.AfterFunc(ctx, func() { _ = conn.Close() })
		return &boundedConn{Conn: conn, limit: h.timeout(), unwatch: unwatch}, nil
	}
}

// boundedConn gives every read and write a deadline limit ahead.
type boundedConn struct {
	net.Conn
	limit   time.Duration
	unwatch func() bool
}

func (c *boundedConn) Read(p []byte) (int, error) {
	_ = c.SetDeadline(time.Now().Add(c.limit))
	return c.Conn.Read(p)
}

func (c *boundedConn) Write(p []byte) (int, error) {
	_ = c.SetDeadline(time.Now().Add(c.limit))
	return c.Conn.Write(p)
}

func (c *boundedConn) Close() error {
	c.unwatch()
	return c.Conn.Close()
}

func (h *FTP) timeout() time.Duration {
	if h.Timeout <= 0 {
		return DefaultFTPTimeout
	}
	return h.Timeout
}

// FTPTarget is an ftp:// URL taken apart: the server to dial, who logs in,
// and the file.
type FTPTarget struct {
	Addr           string // host:port, port 21 unless the URL gives one
	Host           string // the URL's host[:port] as written, for showing it
	User, Password string // the URL's userinfo, or anonymous
	Path           string // percent-decoded, as the server is sent it
}

// ParseFTPURL reads ftp://[user[:password]@]host[:port]/path without
// connecting anywhere. Its errors never hold the URL.
func ParseFTPURL(rawURL string) (FTPTarget, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return FTPTarget{}, fmt.Errorf("invalid ftp URL: %w", unwrapURLError(err))
	}
	if u.Hostname() == "" {
		return FTPTarget{}, errors.New("ftp URL has no host")
	}
	if u.Path == "" || u.Path == "/" {
		return FTPTarget{}, errors.New("ftp URL has no file path")
	}
	port := u.Port()
	if port == "" {
		port = "21"
	}
	target := FTPTarget{Addr: net.JoinHostPort(u.Hostname(), port), Host: u.Host, User: "anonymous", Password: "anonymous", Path: u.Path}
	if u.User != nil {
		target.User = u.User.Username()
		target.Password, _ = u.User.Password()
	}
	return target, nil
}

func retrieve(ctx context.Context, conn *ftp.ServerConn, target FTPTarget, offset int64) (io.ReadCloser, int64, error) {
	size, err := conn.FileSize(target.Path)
	if err != nil {
		size = -1 // SIZE is an extension; its absence is no reason to fail
	}
	resp, err := conn.RetrFrom(target.Path, uint64(offset))
	if err != nil {
		return nil, 0, FTPError("retrieve", err)
	}
	return &ftpBody{ctx: ctx, resp: resp, conn: conn}, size, nil
}

// FTPError names the step that failed and gives a server reply as the server
// wrote it ("ftp stor: 451 Disk full."). It marks 4xx replies and network
// trouble as transient; 5xx replies (no such file, login refused) and a dead
// host are final.
func FTPError(step string, err error) error {
	wrapped := fmt.Errorf("ftp %s: %w", step, plainReply(err))
	var reply *textproto.Error
	if (errors.As(err, &reply) && (reply.Code < 400 || reply.Code >= 500)) || isDeadHost(err) {
		return wrapped
	}
	return Transient(wrapped)
}

// plainReply prints a server reply as the server wrote it ("550 No such
// file."), where textproto would quote the message.
func plainReply(err error) error {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return fmt.Errorf("%d %s", reply.Code, reply.Msg)
	}
	return err
}

type ftpBody struct {
	ctx       context.Context
	resp      *ftp.Response
	conn      *ftp.ServerConn
	closeOnce sync.Once
	closeErr  error
}

// Read returns the data; at the end of the data it reads the server's
// transfer status, since a server that aborts a transfer also just closes the
// data connection.
func (b *ftpBody) Read(p []byte) (int, error) {
	n, err := b.resp.Read(p)
	switch {
	case err == nil:
		return n, nil
	case b.ctx.Err() != nil:
		return n, context.Cause(b.ctx)
	case err == io.EOF:
		if closeErr := b.Close(); closeErr != nil {
			return n, Transient(fmt.Errorf("ftp transfer incomplete: %w", plainReply(closeErr)))
		}
		return n, io.EOF
	default:
		return n, Transient(fmt.Errorf("ftp read: %w", err))
	}
}

func (b *ftpBody) Close() error {
	b.closeOnce.Do(func() {
		b.closeErr = b.resp.Close()
		_ = b.conn.Quit()
	})
	return b.closeErr
}
