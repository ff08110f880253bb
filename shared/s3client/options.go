package s3client

import (
	"fmt"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// Options are the credential, endpoint and upload options shared by the S3
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
	// UsePathStyle nil keeps the default addressing: path-style for custom
	// endpoints, which is what most S3-compatible servers expect, and the
	// SDK's choice (virtual-hosted) for AWS.
	UsePathStyle *strictjson.Bool `json:"use_path_style"`

	// Every request that creates an object carries these (see
	// uploadSettings). A KMS key id or ARN names a key without granting its
	// use, and S3 shows it to whoever may read the object, so it is not
	// hidden.
	ServerSideEncryption Encryption   `json:"server_side_encryption"`
	SSEKMSKeyID          string       `json:"sse_kms_key_id"`
	StorageClass         StorageClass `json:"storage_class"`
	ACL                  CannedACL    `json:"acl"`

	// Anonymous sends unsigned requests without consulting the SDK's default
	// credential chain; it is how the built-in s3 download handler reads
	// public objects. Not settable from a pipeline.
	Anonymous bool `json:"-"`
}

// Validate rejects incomplete credentials and settings that need another,
// naming the fields by names but never a value.
func (o Options) Validate(names field.Names) error {
	switch {
	case o.AccessKey != "" && o.SecretKey == "":
		return fmt.Errorf("%s is set but %s is not", names.Of("access_key"), names.Of("secret_key"))
	case o.SecretKey != "" && o.AccessKey == "":
		return fmt.Errorf("%s is set but %s is not", names.Of("secret_key"), names.Of("access_key"))
	case o.SessionToken != "" && o.AccessKey == "":
		return fmt.Errorf("%s needs %s and %s", names.Of("session_token"), names.Of("access_key"), names.Of("secret_key"))
	case o.SSEKMSKeyID != "" && !o.ServerSideEncryption.usesKMS():
		return fmt.Errorf("%s needs %s aws:kms or aws:kms:dsse", names.Of("sse_kms_key_id"), names.Of("server_side_encryption"))
	}
	return nil
}
