package s3client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
)

// Encryption is server_side_encryption: AES256 (SSE-S3), aws:kms (SSE-KMS)
// or aws:kms:dsse (dual-layer SSE-KMS). "" leaves it to the bucket.
type Encryption string

// StorageClass is storage_class, one of the SDK's types.StorageClass values.
// "" leaves it to the bucket.
type StorageClass string

// CannedACL is acl, one of the SDK's types.ObjectCannedACL values, e.g.
// bucket-owner-full-control. "" sends none.
type CannedACL string

// The values S3 takes. Encryptions leaves out the SDK's aws:fsx and
// aws:backup, which S3 sets itself on objects of FSx and AWS Backup.
var (
	encryptions    = []string{"AES256", "aws:kms", "aws:kms:dsse"}
	storageClasses = enumValues(types.StorageClass("").Values())
	cannedACLs     = enumValues(types.ObjectCannedACL("").Values())
)

func enumValues[T ~string](values []T) []string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return names
}

// ParseEncryption is s as an Encryption: one of the listed values, or ""
// (not set). The error lists what is allowed but does not repeat s.
func ParseEncryption(s string) (Encryption, error) { return parseChoice[Encryption](s, encryptions) }

// ParseStorageClass is s as a StorageClass (see ParseEncryption).
func ParseStorageClass(s string) (StorageClass, error) {
	return parseChoice[StorageClass](s, storageClasses)
}

// ParseCannedACL is s as a CannedACL (see ParseEncryption).
func ParseCannedACL(s string) (CannedACL, error) { return parseChoice[CannedACL](s, cannedACLs) }

// UnmarshalJSON refuses anything but a listed value, so that strictjson
// reports a mistake with its key path while the options are compiled,
// before any request.
func (e *Encryption) UnmarshalJSON(data []byte) error {
	return decodeChoice(data, e, encryptions)
}

// UnmarshalJSON refuses anything but a listed value (see Encryption's).
func (c *StorageClass) UnmarshalJSON(data []byte) error {
	return decodeChoice(data, c, storageClasses)
}

// UnmarshalJSON refuses anything but a listed value (see Encryption's).
func (a *CannedACL) UnmarshalJSON(data []byte) error {
	return decodeChoice(data, a, cannedACLs)
}

// decodeChoice stores in dst a JSON string that parseChoice accepts.
func decodeChoice[T ~string](data []byte, dst *T, allowed []string) error {
	var s string
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) || json.Unmarshal(data, &s) != nil {
		return errors.New("expected a string, one of " + strings.Join(allowed, ", "))
	}
	v, err := parseChoice[T](s, allowed)
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// parseChoice is s when it is one of allowed, or "" (not set). The error
// lists what is allowed but, like every option error, does not repeat the
// value; a value that differs only in case is named.
func parseChoice[T ~string](s string, allowed []string) (T, error) {
	if s != "" && !slices.Contains(allowed, s) {
		msg := "expected one of " + strings.Join(allowed, ", ")
		if i := slices.IndexFunc(allowed, func(a string) bool { return strings.EqualFold(a, s) }); i >= 0 {
			msg += " (did you mean " + strconv.Quote(allowed[i]) + "?)"
		}
		return "", errors.New(msg)
	}
	return T(s), nil
}

func (e Encryption) usesKMS() bool { return strings.HasPrefix(string(e), "aws:kms") }

// uploadSettings are the options that every request creating an object
// carries: a bucket policy may refuse a PutObject without its encryption
// header or without bucket-owner-full-control, so none may be forgotten.
type uploadSettings struct {
	encryption   types.ServerSideEncryption
	kmsKeyID     string
	storageClass types.StorageClass
	acl          types.ObjectCannedACL
}

func (o Options) uploadSettings() uploadSettings {
	return uploadSettings{
		encryption:   types.ServerSideEncryption(o.ServerSideEncryption),
		kmsKeyID:     o.SSEKMSKeyID,
		storageClass: types.StorageClass(o.StorageClass),
		acl:          types.ObjectCannedACL(o.ACL),
	}
}

// addTo sets u on the client's PutObject, CreateMultipartUpload and
// CopyObject requests, whoever sends them (the transfer manager, a server-
// side copy, the repository's put), unless the request sets its own. The
// parts of a multipart upload need none of them: S3 takes them from its
// creation.
func (u uploadSettings) addTo(stack *middleware.Stack) error {
	if u == (uploadSettings{}) {
		return nil
	}
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("metalink.uploadSettings",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			in.Parameters = u.forContext(ctx).apply(in.Parameters)
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}

// apply returns a copy of the operation's input with u filled in, so that
// the caller's input stays as it was; other operations pass unchanged.
func (u uploadSettings) apply(params any) any {
	switch in := params.(type) {
	case *s3.PutObjectInput:
		c := *in
		u.fill(&c.ServerSideEncryption, &c.SSEKMSKeyId, &c.StorageClass, &c.ACL)
		return &c
	case *s3.CreateMultipartUploadInput:
		c := *in
		u.fill(&c.ServerSideEncryption, &c.SSEKMSKeyId, &c.StorageClass, &c.ACL)
		return &c
	case *s3.CopyObjectInput:
		c := *in
		u.fill(&c.ServerSideEncryption, &c.SSEKMSKeyId, &c.StorageClass, &c.ACL)
		return &c
	}
	return params
}

func (u uploadSettings) fill(encryption *types.ServerSideEncryption, kmsKeyID **string, storageClass *types.StorageClass, acl *types.ObjectCannedACL) {
	if *encryption == "" {
		*encryption = u.encryption
	}
	if *kmsKeyID == nil && u.kmsKeyID != "" {
		*kmsKeyID = aws.String(u.kmsKeyID)
	}
	if *storageClass == "" {
		*storageClass = u.storageClass
	}
	if *acl == "" {
		*acl = u.acl
	}
}

type temporaryKey struct{}

// ForTemporaryObject marks requests under ctx as creating an object that is
// copied at once (a staged upload, copied and deleted, or one whose metadata
// a copy onto itself sets): it is stored in the default
// storage class whatever storage_class says, since an archived object
// (GLACIER, DEEP_ARCHIVE) cannot be copied and the infrequent-access
// classes charge for 30 days or more. Encryption and ACL still apply.
func ForTemporaryObject(ctx context.Context) context.Context {
	return context.WithValue(ctx, temporaryKey{}, true)
}

func (u uploadSettings) forContext(ctx context.Context) uploadSettings {
	if temporary, _ := ctx.Value(temporaryKey{}).(bool); temporary {
		u.storageClass = ""
	}
	return u
}
