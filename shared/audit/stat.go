package audit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

// stater asks a URL's store for the size of its bytes without reading
// them: HEAD, S3 HeadObject, stat(2), FTP SIZE.
type stater struct {
	handlers *urlhandlers.Set
	ftp      *transfer.FTP
	clients  *s3client.Clients
}

func newStater(handlers *urlhandlers.Set) *stater {
	return &stater{handlers: handlers, ftp: transfer.NewFTP(), clients: s3client.NewClients(handlers.Network())}
}

// stat describes rawURL's bytes; a *goneError when nothing is there.
func (s *stater) stat(ctx context.Context, rawURL string) (info, error) {
	switch transfer.Scheme(rawURL) {
	case "http", "https":
		return s.head(ctx, rawURL)
	case "s3":
		return s.headObject(ctx, rawURL)
	case "file":
		return statFile(rawURL)
	case "ftp":
		return s.ftpSize(ctx, rawURL)
	}
	return info{}, transfer.UnsupportedScheme(rawURL)
}

// head sends HEAD; a server that refuses the method is asked with a GET
// whose body is left unread.
func (s *stater) head(ctx context.Context, rawURL string) (info, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, rawURL, nil)
	if err != nil {
		return info{}, errors.New("invalid URL")
	}
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := s.handlers.Network().HTTP.Do(req)
	if err != nil {
		return info{}, unwrapURLError(err)
	}
	_ = resp.Body.Close()
	switch code := resp.StatusCode; {
	case code == http.StatusNotFound || code == http.StatusGone:
		return info{}, &goneError{reason: fmt.Sprint(code)}
	case code == http.StatusMethodNotAllowed || code == http.StatusNotImplemented:
		return s.get(ctx, rawURL)
	case code < 200 || code > 299:
		return info{}, fmt.Errorf("%d %s", code, http.StatusText(code))
	}
	return info{size: resp.ContentLength}, nil
}

// get opens rawURL through the download handlers and reads nothing.
func (s *stater) get(ctx context.Context, rawURL string) (info, error) {
	body, size, err := s.handlers.Router().Open(ctx, rawURL, 0)
	if err != nil {
		return info{}, err
	}
	_ = body.Close()
	return info{size: size}, nil
}

// unwrapURLError drops the *url.Error around a client's error: it repeats
// the URL, which may hold userinfo.
func unwrapURLError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

// headObject asks S3, with the credentials the url_handlers give the URL;
// the hashes out records as metadata come free with the answer.
func (s *stater) headObject(ctx context.Context, rawURL string) (info, error) {
	loc, err := s3client.ParseURL(rawURL)
	if err != nil {
		return info{}, err
	}
	client, err := s.s3Client(ctx, loc, rawURL)
	if err != nil {
		return info{}, err
	}
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key)})
	if s3client.IsNotFound(err) {
		return info{}, &goneError{reason: "404"}
	}
	if err != nil {
		return info{}, s3client.WrapError("head", loc.String(), err)
	}
	hashes := map[string]string{}
	for key, value := range head.Metadata {
		hashes[strings.ToLower(key)] = value
	}
	size := int64(-1)
	if head.ContentLength != nil {
		size = *head.ContentLength
	}
	return info{size: size, hashes: hashes}, nil
}

func (s *stater) s3Client(ctx context.Context, loc s3client.Location, rawURL string) (*s3.Client, error) {
	client, err := s.clients.For(ctx, loc, s.handlers.OptionsFor(rawURL))
	if err != nil {
		return nil, fmt.Errorf("head %s: %w", loc, err)
	}
	return client, nil
}

// statFile asks the file system; only a regular file is a copy.
func statFile(rawURL string) (info, error) {
	path, err := transfer.LocalPath(rawURL)
	if err != nil {
		return info{}, err
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return info{}, &goneError{reason: "no such file"}
	}
	if err != nil {
		return info{}, err
	}
	if !st.Mode().IsRegular() {
		return info{}, errors.New("not a regular file")
	}
	return info{size: st.Size()}, nil
}

// ftpSize asks the server with SIZE; a permanent refusal (550) means no
// such file.
func (s *stater) ftpSize(ctx context.Context, rawURL string) (info, error) {
	target, err := transfer.ParseFTPURL(rawURL)
	if err != nil {
		return info{}, err
	}
	conn, err := s.ftp.Connect(ctx, target)
	if err != nil {
		return info{}, err
	}
	defer func() { _ = conn.Quit() }()
	size, err := conn.FileSize(target.Path)
	var reply *textproto.Error
	if errors.As(err, &reply) && reply.Code == 550 {
		return info{}, &goneError{reason: "550"}
	}
	if err != nil {
		return info{}, transfer.FTPError("size", err)
	}
	return info{size: size}, nil
}
