package s3client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

// Error is a failed S3 request, described in one line for a pipeline author.
// It never contains credentials: S3 error messages do not echo them and URL is
// printed without userinfo.
type Error struct {
	Op     string // what was being done: get, list, put, …
	URL    string // the s3:// URL or prefix, without credentials
	Status int    // HTTP status of S3's answer; 0 when none came
	Code   string // S3 error code such as NoSuchKey; "" when none came
	Err    error
}

// WrapError describes err from an S3 request made to do op on target.
func WrapError(op, target string, err error) error {
	if err == nil {
		return nil
	}
	e := &Error{Op: op, URL: target, Err: err}
	// An STS answer carries a status too, but it is not the bucket's.
	var roleErr *assumeRoleError
	if !errors.As(err, &roleErr) {
		e.Status, e.Code = answer(err)
	}
	return e
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Op, e.URL, describe(e.Err))
}

func (e *Error) Unwrap() error { return e.Err }

// Transient reports whether trying again may succeed: the server failed or
// throttled, or the connection broke. A host that refuses connections or does
// not resolve is a dead mirror, as for http and ftp: trying it again only
// delays the next URL.
func (e *Error) Transient() bool {
	if errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded) {
		return false
	}
	if transfer.IsDeadHost(e.Err) {
		return false
	}
	if e.Status >= 500 || e.Status == http.StatusTooManyRequests {
		return true
	}
	var netErr net.Error
	return e.Status == 0 && (errors.As(e.Err, &netErr) || errors.Is(e.Err, io.ErrUnexpectedEOF))
}

// IsNotFound reports whether err is S3's answer that a key does not exist.
// The error code decides, not the status: some servers answer 404 for an
// unknown access key too.
func IsNotFound(err error) bool {
	_, code := answer(err)
	return code == "NoSuchKey" || code == "NotFound"
}

// answer is the HTTP status and error code of the server's answer in err.
func answer(err error) (status int, code string) {
	var withStatus interface{ HTTPStatusCode() int }
	if errors.As(err, &withStatus) {
		status = withStatus.HTTPStatusCode()
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
	}
	return status, code
}

// describe says what went wrong in words a pipeline author acts on.
func describe(err error) string {
	var roleErr *assumeRoleError
	if errors.As(err, &roleErr) {
		return "assume role " + roleErr.roleARN + ": " + describe(roleErr.err)
	}
	status, _ := answer(err)
	switch status {
	case 0:
		return rootCause(err)
	case http.StatusForbidden:
		return "access denied (" + detail(err, status) + ")" + anonymousNote(err)
	case http.StatusNotFound:
		return "not found (" + detail(err, status) + ")"
	case http.StatusMovedPermanently:
		return "the bucket is in another region (" + detail(err, status) + "); set the region option"
	}
	return fmt.Sprintf("HTTP %d (%s)", status, detail(err, status))
}

// detail is "Code: message" from the server's answer, without a message that
// only restates the status.
func detail(err error, status int) string {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() == "" {
		return http.StatusText(status)
	}
	message := apiErr.ErrorMessage()
	if message == "" || message == http.StatusText(status) {
		return apiErr.ErrorCode()
	}
	return apiErr.ErrorCode() + ": " + message
}

// rootCause drops the SDK's "operation error S3: GetObject, …" framing, which
// says nothing the Op and URL do not, and keeps what went wrong.
func rootCause(err error) string {
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		return netErr.Error()
	}
	var opErr *smithy.OperationError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	return err.Error()
}

// NoCredentials says where the SDK's default chain looks for credentials,
// for the refusal of a request it found none for.
const NoCredentials = "no AWS credentials were found, so the request was anonymous " +
	"(looked for AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, the profile of AWS_PROFILE in " +
	"~/.aws/credentials and ~/.aws/config, AWS_WEB_IDENTITY_TOKEN_FILE, a container role and an instance role)"

// anonymousError is the failure of a request sent anonymously because the
// default chain found no credentials.
type anonymousError struct{ err error }

func (e *anonymousError) Error() string { return e.err.Error() }
func (e *anonymousError) Unwrap() error { return e.err }

// markAnonymous marks every failure of a client without credentials.
func markAnonymous(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("markAnonymous",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			out, metadata, err := next.HandleInitialize(ctx, in)
			if err != nil {
				err = &anonymousError{err: err}
			}
			return out, metadata, err
		}), middleware.Before)
}

// anonymousNote adds NoCredentials to a refusal of an anonymous request.
func anonymousNote(err error) string {
	var anonymous *anonymousError
	if errors.As(err, &anonymous) {
		return ": " + NoCredentials
	}
	return ""
}

// chainError is a failure of a source of the SDK's default credential chain.
type chainError struct{ err error }

func (e *chainError) Error() string {
	var opErr *smithy.OperationError
	if errors.As(e.err, &opErr) {
		return "credentials from the AWS default chain: " + opErr.OperationName + ": " + describe(e.err)
	}
	return "credentials from the AWS default chain: " + describe(e.err)
}

func (e *chainError) Unwrap() error { return e.err }

// assumeRoleError is a failure to get credentials for a role from STS.
type assumeRoleError struct {
	roleARN string
	err     error
}

func (e *assumeRoleError) Error() string { return "assume role " + e.roleARN + ": " + e.err.Error() }

func (e *assumeRoleError) Unwrap() error { return e.err }
