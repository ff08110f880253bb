package s3server

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	// WebIdentityToken is the one token the Recorder's STS accepts from
	// AssumeRoleWithWebIdentity; it refuses any other as AWS does a token
	// it cannot verify.
	WebIdentityToken = "metalink-test-web-identity-token"

	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// Recorder stands in front of a Server, records every request it passes
// on, and answers STS itself. It is also an HTTP forward proxy (a request
// in absolute form is passed on the same way, its Host kept), which is how a
// client reaches a virtual-hosted BUCKET.VirtualDomain that no DNS resolves.
//
// versitygw has an STS (its standalone IAM service), but its
// AssumeRoleWithWebIdentity fetches the provider's keys only from public
// https addresses, never from 127.0.0.1, and it refuses a session token
// with the root keys. So the Recorder answers AssumeRole (signed requests)
// and AssumeRoleWithWebIdentity (with WebIdentityToken) with the Server's
// root keys and no session token, which versitygw then accepts.
type Recorder struct {
	Host     string // 127.0.0.1:PORT, as written in s3:// URLs
	Endpoint string // http://127.0.0.1:PORT, e.g. for AWS_ENDPOINT_URL_STS

	mu       sync.Mutex
	requests []Request
}

// Request is one request the Recorder received.
type Request struct {
	Method string
	Host   string // the Host header: BUCKET.DOMAIN:PORT when virtual-hosted
	Path   string
	Query  url.Values
	Header http.Header
	Form   url.Values // the parameters of an STS call, nil otherwise
}

// Operation names the S3 or STS operation of r, as far as the tests need.
func (r Request) Operation() string {
	switch {
	case r.Form != nil:
		return r.Form.Get("Action")
	case r.Method == http.MethodPost && r.Query.Has("uploads"):
		return "CreateMultipartUpload"
	case r.Method == http.MethodPost && r.Query.Has("uploadId"):
		return "CompleteMultipartUpload"
	case r.Method == http.MethodPut && r.Query.Has("partNumber"):
		return "UploadPart"
	case r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "":
		return "CopyObject"
	case r.Method == http.MethodPut:
		return "PutObject"
	case r.Method == http.MethodGet && r.Query.Has("list-type"):
		return "ListObjectsV2"
	case r.Method == http.MethodGet:
		return "GetObject"
	case r.Method == http.MethodHead:
		return "HeadObject"
	case r.Method == http.MethodDelete:
		return "DeleteObject"
	}
	return r.Method
}

// AccessKey is the access key that signed r, "" for an unsigned request.
func (r Request) AccessKey() string {
	_, credential, found := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !found {
		return ""
	}
	key, _, _ := strings.Cut(credential, "/")
	return key
}

// UploadHeaders are r's headers that set how S3 stores an object:
// encryption, KMS key, storage class and canned ACL, by canonical name.
func (r Request) UploadHeaders() map[string]string {
	headers := map[string]string{}
	for _, name := range []string{"X-Amz-Server-Side-Encryption", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", "X-Amz-Storage-Class", "X-Amz-Acl"} {
		if value := r.Header.Get(name); value != "" {
			headers[name] = value
		}
	}
	return headers
}

// StartRecorder puts a Recorder in front of server until the test ends.
func StartRecorder(t TB, server *Server) *Recorder {
	t.Helper()
	return StartDistantRecorder(t, server, 0)
}

// StartDistantRecorder is StartRecorder adding latency to every request, as
// a bucket across a network does (20–50 ms to a real one).
func StartDistantRecorder(t TB, server *Server, latency time.Duration) *Recorder {
	t.Helper()
	r := &Recorder{}
	r.Endpoint = startFront(t, server, func(w http.ResponseWriter, req *http.Request, forward http.Handler) {
		time.Sleep(latency)
		if isSTS(req) {
			r.answerSTS(w, req)
			return
		}
		r.record(req, nil)
		forward.ServeHTTP(w, req)
	})
	r.Host = strings.TrimPrefix(r.Endpoint, "http://")
	return r
}

// URL is the s3:// URL of bucket/key through the recorder.
func (r *Recorder) URL(bucket, key string) string { return s3URL(r.Host, bucket, key) }

// Requests returns what was received so far, in order.
func (r *Recorder) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// Operations returns the requests of one operation.
func (r *Recorder) Operations(operation string) []Request {
	var found []Request
	for _, req := range r.Requests() {
		if req.Operation() == operation {
			found = append(found, req)
		}
	}
	return found
}

func (r *Recorder) record(req *http.Request, form url.Values) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, Request{
		Method: req.Method, Host: req.Host, Path: req.URL.Path, Query: req.URL.Query(),
		Header: req.Header.Clone(), Form: form,
	})
}

// isSTS tells an STS call (a form POST to /) from S3 requests, none of
// which is a form POST to the root.
func isSTS(req *http.Request) bool {
	return req.Method == http.MethodPost && req.URL.Path == "/" &&
		strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded")
}

func (r *Recorder) answerSTS(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.record(req, form)
	action := form.Get("Action")
	switch {
	case action == "AssumeRole" && req.Header.Get("Authorization") != "":
	case action == "AssumeRoleWithWebIdentity" && form.Get("WebIdentityToken") == WebIdentityToken:
	case action == "AssumeRole" || action == "AssumeRoleWithWebIdentity":
		stsError(w, http.StatusForbidden, "AccessDenied", "Not authorized to perform sts:"+action)
		return
	default:
		stsError(w, http.StatusBadRequest, "InvalidAction", "Could not find operation "+action)
		return
	}
	writeXML(w, http.StatusOK, assumeRoleResponse{
		XMLName: xml.Name{Space: stsNamespace, Local: action + "Response"},
		Result: assumeRoleResult{
			XMLName: xml.Name{Local: action + "Result"},
			Credentials: stsCredentials{
				AccessKeyID: AccessKey, SecretAccessKey: SecretKey,
				Expiration: time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
			},
			AssumedRoleUser: assumedRoleUser{
				Arn: form.Get("RoleArn") + "/" + form.Get("RoleSessionName"), AssumedRoleID: "AROATEST:" + form.Get("RoleSessionName"),
			},
		},
	})
}

type assumeRoleResponse struct {
	XMLName xml.Name
	Result  assumeRoleResult
}

type assumeRoleResult struct {
	XMLName         xml.Name
	Credentials     stsCredentials  `xml:"Credentials"`
	AssumedRoleUser assumedRoleUser `xml:"AssumedRoleUser"`
}

type stsCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	Expiration      string `xml:"Expiration"`
}

type assumedRoleUser struct {
	Arn           string `xml:"Arn"`
	AssumedRoleID string `xml:"AssumedRoleId"`
}

type stsErrorResponse struct {
	XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
}

func stsError(w http.ResponseWriter, status int, code, message string) {
	writeXML(w, status, stsErrorResponse{Type: "Sender", Code: code, Message: message})
}

func writeXML(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	// The client reads a broken answer as an error, which fails the test.
	_ = xml.NewEncoder(w).Encode(v)
}
