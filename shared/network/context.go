package network

import (
	"context"
	"net/http"
)

type clientKey struct{}

// WithClient returns ctx carrying c, for a library that takes one HTTP
// client per process only (go-git): ViaContext sends each of its requests
// with the client of the request's context.
func WithClient(ctx context.Context, c *Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// ViaContext is a RoundTripper that holds no configuration: it sends a
// request through the Patient client its context carries (WithClient), or
// through Default's when it carries none. Patient, since a git server may
// think for minutes before the headers of a large fetch.
type ViaContext struct{}

func (ViaContext) RoundTrip(req *http.Request) (*http.Response, error) {
	c, ok := req.Context().Value(clientKey{}).(*Client)
	if !ok {
		c = Default()
	}
	return c.Patient.Transport.RoundTrip(req)
}
