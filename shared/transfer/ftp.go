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
// and resumes with REST.
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
	target, err := parseFTPURL(rawURL)
	if err != nil {
		return nil, 0, err
	}
	conn, err := ftp.Dial(target.addr,
		ftp.DialWithDialFunc(h.dialer(ctx)),
		ftp.DialWithShutTimeout(h.timeout()))
	if err != nil {
		return nil, 0, setupError(ctx, ftpError("connect", err))
	}
	body, size, err := retrieve(ctx, conn, target, offset)
	if err != nil {
		_ = conn.Quit()
		return nil, 0, setupError(ctx, err)
	}
	return body, size, nil
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

type ftpTarget struct {
	addr, user, password, path string
}

// parseFTPURL reads ftp://[user[:password]@]host[:port]/path.
func parseFTPURL(rawURL string) (ftpTarget, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ftpTarget{}, fmt.Errorf("invalid ftp URL: %w", unwrapURLError(err))
	}
	if u.Hostname() == "" {
		return ftpTarget{}, errors.New("ftp URL has no host")
	}
	if u.Path == "" || u.Path == "/" {
		return ftpTarget{}, errors.New("ftp URL has no file path")
	}
	port := u.Port()
	if port == "" {
		port = "21"
	}
	target := ftpTarget{addr: net.JoinHostPort(u.Hostname(), port), user: "anonymous", password: "anonymous", path: u.Path}
	if u.User != nil {
		target.user = u.User.Username()
		target.password, _ = u.User.Password()
	}
	return target, nil
}

func retrieve(ctx context.Context, conn *ftp.ServerConn, target ftpTarget, offset int64) (io.ReadCloser, int64, error) {
	if err := conn.Login(target.user, target.password); err != nil {
		return nil, 0, ftpError("login", err)
	}
	size, err := conn.FileSize(target.path)
	if err != nil {
		size = -1 // SIZE is an extension; its absence is no reason to fail
	}
	resp, err := conn.RetrFrom(target.path, uint64(offset))
	if err != nil {
		return nil, 0, ftpError("retrieve", err)
	}
	return &ftpBody{ctx: ctx, resp: resp, conn: conn}, size, nil
}

// ftpError marks 4xx replies and network trouble as transient; 5xx replies
// (no such file, login refused) are final.
func ftpError(step string, err error) error {
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
