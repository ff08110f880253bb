package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

// prefixHandler serves its own name for URLs that start with prefix.
type prefixHandler struct{ prefix, name string }

func (h prefixHandler) Handles(rawURL string) bool { return strings.HasPrefix(rawURL, h.prefix) }

func (h prefixHandler) Open(_ context.Context, _ string, _ int64) (io.ReadCloser, int64, error) {
	return io.NopCloser(strings.NewReader(h.name)), int64(len(h.name)), nil
}

var _ = Describe("a router", func() {
	It("sends a URL to the first handler that handles it", func(ctx SpecContext) {
		router := transfer.Router{prefixHandler{"s3://private/", "private"}, prefixHandler{"s3://", "anonymous"}}
		body, _, err := router.Open(ctx, "s3://private/bucket/key", 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(readAll(body)).To(Equal([]byte("private")))
		body, _, err = router.Open(ctx, "s3://public/bucket/key", 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(readAll(body)).To(Equal([]byte("anonymous")))
	})

	It("names the unsupported scheme and the redacted URL", func(ctx SpecContext) {
		_, _, err := transfer.Defaults(network.Default().HTTP).Open(ctx, "gopher://user:s3cret@example.com/x", 0)
		Expect(err).To(MatchError(`unsupported URL scheme "gopher" in gopher://[redacted]@example.com/x`))
		Expect(errors.Is(err, transfer.ErrUnsupportedScheme)).To(BeTrue())
	})

	It("handles file, http, https and ftp by default, and nothing else", func() {
		router := transfer.Defaults(network.Default().HTTP)
		for _, rawURL := range []string{"file:///x", "http://h/x", "https://h/x", "ftp://h/x"} {
			Expect(router.Handles(rawURL)).To(BeTrue(), rawURL)
		}
		Expect(router.Handles("s3://h/b/k")).To(BeFalse())
		Expect(router.Handles("no scheme")).To(BeFalse())
	})
})

var _ = Describe("transient errors", func() {
	It("are found through any wrapping", func() {
		err := fmt.Errorf("mirror a: %w", transfer.Transient(errors.New("reset")))
		Expect(transfer.IsTransient(err)).To(BeTrue())
		Expect(err).To(MatchError("mirror a: reset"))
		var transient *transfer.TransientError
		Expect(errors.As(err, &transient)).To(BeTrue())
		Expect(transient.Err).To(MatchError("reset"))
	})

	It("are not confused with plain errors, and nil stays nil", func() {
		Expect(transfer.IsTransient(errors.New("404"))).To(BeFalse())
		Expect(transfer.Transient(nil)).To(BeNil())
	})
})
