package s3client

import (
	"errors"

	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// Options are the credential and endpoint options shared by the S3
// repository (source.options), url_handlers[].options and mirror
// destinations, decoded strictly by strictjson from what the author wrote.
type Options struct {
	// AccessKey is not secret by itself, but it says whose key leaked
	// alongside, so it is hidden too.
	AccessKey    string          `json:"access_key" secret:"true"`
	SecretKey    string          `json:"secret_key" secret:"true"`
	SessionToken string          `json:"session_token" secret:"true"`
	RoleARN      string          `json:"role_arn"`
	Region       string          `json:"region"`
	DisableSSL   strictjson.Bool `json:"disable_ssl"`

	// Anonymous sends unsigned requests without consulting the SDK's default
	// credential chain; it is how the built-in s3 download handler reads
	// public objects. Not settable from a pipeline.
	Anonymous bool `json:"-"`
}

// Validate rejects incomplete credentials, naming the keys but never a value.
func (o Options) Validate() error {
	switch {
	case o.AccessKey != "" && o.SecretKey == "":
		return errors.New("access_key is set but secret_key is not")
	case o.SecretKey != "" && o.AccessKey == "":
		return errors.New("secret_key is set but access_key is not")
	case o.SessionToken != "" && o.AccessKey == "":
		return errors.New("session_token needs access_key and secret_key")
	}
	return nil
}
