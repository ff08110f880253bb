// Package s3store turns s3://HOST[:PORT]/BUCKET/KEY URLs and their options
// into aws-sdk-go-v2 clients, and reads s3:// URLs for downloads.
package s3store

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Options are the credential and endpoint options shared by the S3 repository,
// url_handlers and mirror destinations.
type Options struct {
	AccessKey    string `json:"access_key"`
	SecretKey    string `json:"secret_key"`
	SessionToken string `json:"session_token"`
	RoleARN      string `json:"role_arn"`
	Region       string `json:"region"`
	DisableSSL   bool   `json:"disable_ssl"`
}

// Location is a parsed s3:// URL.
type Location struct {
	Host   string // host[:port]
	Bucket string
	Key    string
}

// ParseURL parses s3://HOST[:PORT]/BUCKET/KEY.
func ParseURL(raw string) (Location, error) { return Location{}, errors.New("s3store: ParseURL not implemented") }

// NewClient builds a client for loc's endpoint with opts.
func NewClient(ctx context.Context, loc Location, opts Options) (*s3.Client, error) {
	return nil, errors.New("s3store: NewClient not implemented")
}
