package mirror

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/jlaffaye/ftp"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

// parseFTPDestination reads ftp://[user[:password]@]host[:port]/path as
// downloads do (anonymous without userinfo), refusing a directory.
func parseFTPDestination(raw string) (transfer.FTPTarget, error) {
	target, err := transfer.ParseFTPURL(raw)
	if err == nil && strings.HasSuffix(target.Path, "/") {
		err = errors.New("it names a directory, not a file")
	}
	if err != nil {
		return transfer.FTPTarget{}, fmt.Errorf("destination %s: %w", redact.Quote(redact.UnparsedURL(raw)), err)
	}
	return target, nil
}

// ftpDestination is a file on an FTP server, written through the download
// handler's connections (its timeouts, its cancellation). Every operation
// has a session of its own: an FTP connection carries one transfer at a
// time, and a copy streams while other files' copies do.
type ftpDestination struct {
	client *transfer.FTP
	target transfer.FTPTarget
}

// String has no userinfo: it is what messages show and what the metalink
// records, where a password would be published. A download of the recorded
// URL therefore logs in anonymously.
func (d *ftpDestination) String() string {
	return (&url.URL{Scheme: "ftp", Host: d.target.Host, Path: d.target.Path}).String()
}

// at is the file p on the same server, with the same login.
func (d *ftpDestination) at(p string) *ftpDestination {
	other := *d
	other.target.Path = p
	return &other
}

// sameServer reports whether d and other log in to the same account, so
// that a file written as one can be renamed to the other.
func (d *ftpDestination) sameServer(other *ftpDestination) bool {
	a, b := d.target, other.target
	return a.Addr == b.Addr && a.User == b.User && a.Password == b.Password
}

// existing asks for the size of the file. A permanent refusal (550 no such
// file, or 5xx from a server without SIZE) means no copy is known, and the
// file is written again.
func (d *ftpDestination) existing(ctx context.Context) (*existing, error) {
	conn, err := d.client.Connect(ctx, d.target)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", d, err)
	}
	defer quit(conn)
	size, err := conn.FileSize(d.target.Path)
	if code := replyCode(err); code >= 500 {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", d, transfer.FTPError("size", err))
	}
	return &existing{size: size, digest: d.digest}, nil
}

// digest reads the copy back through the hash. FTP keeps no record of a
// file's hashes, and a sidecar file of them could disagree with the file and
// would be one more name in the directory: reading back is the only proof
// that the bytes are the file's. existing.holds asks only when the sizes
// match, so a copy of another size costs no read, and an identical one costs
// a download instead of an upload.
func (d *ftpDestination) digest(ctx context.Context, hashType string) (string, error) {
	body, _, err := d.client.Open(ctx, d.secretURL(), 0)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", d, err)
	}
	sum, err := hashFile(body, hashType)
	if err = errors.Join(err, body.Close()); err != nil {
		return "", fmt.Errorf("read %s: %w", d, err)
	}
	return sum, nil
}

// secretURL is the URL with the login, for the download handler only.
func (d *ftpDestination) secretURL() string {
	return (&url.URL{
		Scheme: "ftp", User: url.UserPassword(d.target.User, d.target.Password), Host: d.target.Host, Path: d.target.Path,
	}).String()
}

// create writes to a temporary file beside the destination (STOR), which
// commit renames onto it (RNFR/RNTO) once the bytes are verified: a failed
// copy never leaves a partial file under the destination's name.
func (d *ftpDestination) create(ctx context.Context, _ metalink.File) (upload, error) {
	dir, name := path.Split(d.target.Path)
	u, err := d.at(dir + "." + name + ".mirror-" + rand.Text()).store(ctx)
	if err != nil {
		return nil, fmt.Errorf("put %s: %w", d, err)
	}
	u.final = d
	return u, nil
}

// store connects, creates the directories of d and starts a STOR of d that
// the upload's writes feed.
func (d *ftpDestination) store(ctx context.Context) (*ftpUpload, error) {
	conn, err := d.client.Connect(ctx, d.target)
	if err != nil {
		return nil, err
	}
	makeDirs(conn, path.Dir(d.target.Path))
	reader, writer := io.Pipe()
	u := &ftpUpload{ctx: ctx, conn: conn, temp: d, pipe: writer, done: make(chan struct{})}
	go func() {
		err := conn.Stor(d.target.Path, reader)
		switch {
		case err != nil && ctx.Err() != nil:
			// The cancelled run closed the connections: that is why.
			err = context.Cause(ctx)
		case err != nil:
			err = transfer.FTPError("stor", err)
		}
		// A failed STOR reads no more: this tells a blocked Write why.
		_ = reader.CloseWithError(err)
		u.err = err
		close(u.done)
	}()
	return u, nil
}

// makeDirs creates dir and the directories above it. A server refuses MKD of
// a directory that exists as it refuses one it cannot make (550 both), so a
// refusal is no error here: a directory that is truly missing fails the
// STOR or RNTO that needs it, with the server's reason.
func makeDirs(conn *ftp.ServerConn, dir string) {
	if dir == "/" || dir == "." {
		return
	}
	makeDirs(conn, path.Dir(dir))
	_ = conn.MakeDir(dir)
}

// replyCode is the code of the server reply err is, 0 when it is none (a
// network error).
func replyCode(err error) int {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return reply.Code
	}
	return 0
}

// quit ends a session; the bytes it was for are settled by then.
func quit(conn *ftp.ServerConn) { _ = conn.Quit() }

// ftpUpload is a STOR to a temporary file under way. commit renames it to
// its final destination, or, when a generated file's destination already
// holds the file (final is nil), only deletes it; abort deletes it. Either
// way the session ends.
type ftpUpload struct {
	ctx       context.Context
	conn      *ftp.ServerConn
	temp      *ftpDestination
	placement // final: the destination, which a staged copy learns from place; nil: nothing to rename
	pipe      *io.PipeWriter
	done      chan struct{}
	err       error // the STOR's result, set before done closes
	once      sync.Once
	ended     bool // committed or aborted
}

func (u *ftpUpload) remote() bool { return true }

// name is the URL errors name: the destination, or the temporary file of a
// staged copy that has none yet.
func (u *ftpUpload) name() fmt.Stringer {
	if u.final != nil {
		return u.final
	}
	return u.temp
}

func (u *ftpUpload) Write(p []byte) (int, error) {
	n, err := u.pipe.Write(p)
	if err != nil {
		return n, fmt.Errorf("put %s: %w", u.name(), err)
	}
	return n, nil
}

// commit ends the STOR, waits for the server to confirm it, and renames the
// file into place. Whatever fails, no temporary file is left.
func (u *ftpUpload) commit() error {
	if u.ended {
		return nil
	}
	u.ended = true
	defer quit(u.conn)
	u.once.Do(func() { _ = u.pipe.Close() })
	<-u.done
	err := u.err
	if err == nil && u.final != nil {
		err = u.moveIntoPlace()
	}
	if err != nil {
		err = fmt.Errorf("put %s: %w", u.name(), err)
	}
	if err != nil || u.final == nil {
		err = errors.Join(err, u.removeTemp())
	}
	return err
}

func (u *ftpUpload) moveIntoPlace() error {
	final, ok := u.final.(*ftpDestination)
	if !ok || !final.sameServer(u.temp) {
		return fmt.Errorf("%s: expected an ftp:// destination on the server and login of the sample rendering", u.key)
	}
	if dir := path.Dir(final.target.Path); dir != path.Dir(u.temp.target.Path) {
		makeDirs(u.conn, dir)
	}
	if err := u.conn.Rename(u.temp.target.Path, final.target.Path); err != nil {
		return transfer.FTPError("rename", err)
	}
	return nil
}

// abort ends the STOR with an error, which a server still takes for the end
// of the file, and deletes what it stored.
func (u *ftpUpload) abort(cause error) {
	if u.ended {
		return
	}
	u.ended = true
	defer quit(u.conn)
	// CloseWithError always returns nil; abortError is never io.EOF.
	u.once.Do(func() { _ = u.pipe.CloseWithError(abortError{cause}) })
	<-u.done
	_ = u.removeTemp()
}

// removeTemp deletes the temporary file. A cancelled run has closed the
// session (its connections close with the context), so then the file is
// deleted in a new one, on a context of its own: a temporary left behind is
// a stray file that every reader of the directory sees.
func (u *ftpUpload) removeTemp() error {
	err := u.conn.Delete(u.temp.target.Path)
	if err != nil && replyCode(err) == 0 {
		err = u.temp.deleteAfresh(u.ctx)
	}
	switch code := replyCode(err); {
	case err == nil, code == ftp.StatusFileUnavailable: // nothing was stored
		return nil
	case code != 0:
		err = transfer.FTPError("delete", err)
	}
	return fmt.Errorf("delete %s: %w", u.temp, err)
}

func (d *ftpDestination) deleteAfresh(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	conn, err := d.client.Connect(ctx, d.target)
	if err != nil {
		return err
	}
	defer quit(conn)
	return conn.Delete(d.target.Path)
}

// ftpStaging writes a generated file's temporary copy in dir on the
// destination's server, from where commit renames it.
type ftpStaging struct {
	dir *ftpDestination // its path ends in '/'
}

func (s ftpStaging) start(ctx context.Context) (stagedUpload, error) {
	temp := s.dir.at(s.dir.target.Path + stagingPrefix + rand.Text())
	u, err := temp.store(ctx)
	if err != nil {
		return nil, fmt.Errorf("put %s: %w", temp, err)
	}
	return u, nil
}
