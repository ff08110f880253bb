package download_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
)

// recordingSink keeps every attempt's bytes, as two copies, and can refuse
// bytes after a number of them.
type recordingSink struct {
	attempts []*[2]bytes.Buffer
	refuse   error
}

func (s *recordingSink) Rewind() error {
	s.attempts = append(s.attempts, &[2]bytes.Buffer{})
	return nil
}

func (s *recordingSink) Writers() []io.Writer {
	current := s.attempts[len(s.attempts)-1]
	return []io.Writer{&current[0], refusingWriter{&current[1], s.refuse}}
}

type refusingWriter struct {
	io.Writer
	err error
}

func (w refusingWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	return w.Writer.Write(p)
}

var _ = Describe("streaming a file into a sink", func() {
	var (
		content []byte
		opts    download.Options
	)

	BeforeEach(func() {
		content = fixtures.RandomBytes(2*mib+7, 5)
		opts = download.Options{Backoff: func(int) time.Duration { return time.Millisecond }}
	})

	It("feeds every writer of the sink the verified bytes, starting it over for each URL tried", func() {
		corrupt := bytes.Clone(content)
		corrupt[mib] ^= 1
		bad := startMirror(nil, "bad", serving(corrupt))
		good := startMirror(nil, "good", serving(content))
		sink := &recordingSink{}
		f := fileFor("app.tgz", content,
			metalink.URL{URL: bad.url("/app.tgz"), Priority: fixtures.Priority(1)},
			metalink.URL{URL: good.url("/app.tgz"), Priority: fixtures.Priority(2)})
		report, err := download.Stream(context.Background(), f, sink, opts)
		Expect(err).NotTo(HaveOccurred())
		Expect(report).To(ContainElement("app.tgz: sha-512 ok"))
		Expect(sink.attempts).To(HaveLen(2))
		Expect(sink.attempts[1][0].Bytes()).To(Equal(content))
		Expect(sink.attempts[1][1].Bytes()).To(Equal(content))
	})

	It("tries no other URL once the sink fails, and says why", func() {
		first := startMirror(nil, "first", serving(content))
		second := startMirror(nil, "second", serving(content))
		sink := &recordingSink{refuse: errors.New("put s3://host/bucket/app.tgz: HTTP 500")}
		f := fileFor("app.tgz", content, metalink.URL{URL: first.url("/app.tgz")}, metalink.URL{URL: second.url("/app.tgz")})
		_, err := download.Stream(context.Background(), f, sink, opts)
		Expect(err).To(MatchError("put s3://host/bucket/app.tgz: HTTP 500"))
		Expect(second.requests.Load()).To(BeZero())
	})

	It("refuses a file without any URL before touching the sink", func() {
		sink := &recordingSink{}
		_, err := download.Stream(context.Background(), fileFor("app.tgz", content), sink, opts)
		Expect(err).To(MatchError("no usable URL"))
		Expect(sink.attempts).To(BeEmpty())
	})
})
