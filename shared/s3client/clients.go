package s3client

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/metalink-resources/metalink-resources/shared/network"
)

// Clients builds a client per endpoint, bucket, credentials and options on
// first use and shares it after, so that a retried or resumed request does
// not resolve credentials again.
type Clients struct {
	network *network.Client

	mu   sync.Mutex
	made map[clientKey]*s3.Client
}

// clientKey is a Location without its Key, and the options: what a client
// depends on.
type clientKey struct {
	host, bucket, accessKey, secretKey string
	opts                               Options
}

// NewClients shares clients that send with network.
func NewClients(network *network.Client) *Clients {
	return &Clients{network: network, made: map[clientKey]*s3.Client{}}
}

// For is the client of loc's endpoint and bucket with opts.
func (c *Clients) For(ctx context.Context, loc Location, opts Options) (*s3.Client, error) {
	key := clientKey{host: loc.Host, bucket: loc.Bucket, accessKey: loc.AccessKey, secretKey: loc.SecretKey, opts: opts}
	c.mu.Lock()
	defer c.mu.Unlock()
	if client, ok := c.made[key]; ok {
		return client, nil
	}
	client, err := NewClient(ctx, loc, opts, c.network)
	if err != nil {
		return nil, err
	}
	c.made[key] = client
	return client, nil
}
