package s3client

import (
	"context"
	"fmt"
	"net/http"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	"github.com/metalink-resources/metalink-resources/shared/network"
)

const (
	awsGlobalHost = "s3.amazonaws.com"
	defaultRegion = "us-east-1"
	// roleSessionName is what CloudTrail shows for assumed roles, as in the original.
	roleSessionName = "metalink-session"
)

// awsRegionalHost matches s3-REGION, s3.REGION and s3.dualstack.REGION hosts.
var awsRegionalHost = regexp.MustCompile(`^s3(\.dualstack\.|\.|-)([^.]+)\.amazonaws\.com$`)

// endpoint is where a client sends its requests.
type endpoint struct {
	custom    bool   // not AWS: BaseEndpoint, path-style by default
	baseURL   string // custom endpoints only
	region    string // "" until known
	dualStack bool
	network   *network.Client // sends every request to the endpoint and to STS
}

// NewClient builds a client for loc's endpoint with opts, whose requests
// (STS's included) go through client. AWS hosts use the
// SDK's endpoint resolution; any other host (MinIO, SeaweedFS, R2, …) is a
// custom endpoint, addressed path-style unless use_path_style is false.
func NewClient(ctx context.Context, loc Location, opts Options, client *network.Client) (*s3.Client, error) {
	ep := endpointFor(loc, opts)
	ep.network = client
	if ep.region == "" {
		ep.region = bucketRegion(ctx, ep, loc.Bucket, opts)
	}
	creds, noneFound, err := credentialsFor(ctx, loc, opts, ep)
	if err != nil {
		return nil, err
	}
	options := ep.clientOptions(creds, opts)
	if noneFound {
		options.APIOptions = append(options.APIOptions, markAnonymous)
	}
	return s3.New(options), nil
}

func endpointFor(loc Location, opts Options) endpoint {
	host, port := splitHostPort(loc.Host)
	ep := endpoint{region: opts.Region}
	regional := awsRegionalHost.FindStringSubmatch(host)
	isAWS := (host == awsGlobalHost || regional != nil) && (port == "" || port == "443")
	if !isAWS {
		ep.custom = true
		ep.baseURL = "https://" + loc.Host
		if bool(opts.DisableSSL) {
			ep.baseURL = "http://" + loc.Host
		}
		if ep.region == "" {
			ep.region = defaultRegion
		}
		return ep
	}
	if regional != nil {
		ep.dualStack = regional[1] == ".dualstack."
		if ep.region == "" {
			ep.region = awsRegion(regional[2])
		}
	}
	return ep
}

// awsRegion maps the legacy s3-external-1 host to its region.
func awsRegion(fromHost string) string {
	if fromHost == "external-1" {
		return defaultRegion
	}
	return fromHost
}

// bucketRegion asks AWS where a bucket on the global endpoint lives, so that
// s3://s3.amazonaws.com/BUCKET/… works for buckets outside us-east-1 without a
// region option, as it did in the original. Any failure falls back to
// us-east-1 and the real request reports the problem.
func bucketRegion(ctx context.Context, ep endpoint, bucket string, opts Options) string {
	probe := ep
	probe.region = defaultRegion
	region, err := manager.GetBucketRegion(ctx, s3.New(probe.clientOptions(aws.AnonymousCredentials{}, opts)), bucket)
	if err != nil || region == "" {
		return defaultRegion
	}
	return region
}

func (ep endpoint) clientOptions(creds aws.CredentialsProvider, opts Options) s3.Options {
	o := s3.Options{Region: ep.region, Credentials: creds, HTTPClient: ep.network.Patient, APIOptions: []func(*middleware.Stack) error{opts.uploadSettings().addTo}}
	// Path-style by default for custom endpoints, virtual-hosted for AWS.
	o.UsePathStyle = ep.custom
	if opts.UsePathStyle != nil {
		o.UsePathStyle = bool(*opts.UsePathStyle)
	}
	if ep.custom {
		o.BaseEndpoint = aws.String(ep.baseURL)
		// Many S3-compatible servers reject or mishandle the CRC checksums the
		// SDK adds by default; our own hashes verify the bytes anyway.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		return o
	}
	o.EndpointOptions.DisableHTTPS = bool(opts.DisableSSL)
	if ep.dualStack {
		o.EndpointOptions.UseDualStackEndpoint = aws.DualStackEndpointStateEnabled
	}
	return o
}

// credentialsFor also reports whether the default chain found none, so that
// a refusal can say the request was anonymous for that reason.
func credentialsFor(ctx context.Context, loc Location, opts Options, ep endpoint) (creds aws.CredentialsProvider, noneFound bool, err error) {
	base, noneFound, err := baseCredentials(ctx, loc, opts, ep.network)
	if err != nil || opts.RoleARN == "" {
		return base, noneFound, err
	}
	return assumeRole(base, opts.RoleARN, ep), false, nil
}

// baseCredentials picks, in order: URL userinfo, the options' keys, nothing
// (Anonymous), the SDK's default chain (environment, shared config, web
// identity, container or instance role), and anonymous when the chain finds
// none (noneFound). The SDK's own log lines (its "falling back to IMDSv1"
// warning among them) are dropped: what matters reaches the error.
func baseCredentials(ctx context.Context, loc Location, opts Options, client *network.Client) (creds aws.CredentialsProvider, noneFound bool, err error) {
	switch {
	case loc.AccessKey != "":
		return credentials.NewStaticCredentialsProvider(loc.AccessKey, loc.SecretKey, ""), false, nil
	case opts.AccessKey != "":
		return credentials.NewStaticCredentialsProvider(opts.AccessKey, opts.SecretKey, opts.SessionToken), false, nil
	case opts.Anonymous:
		return aws.AnonymousCredentials{}, false, nil
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithHTTPClient(chainHTTPClient(client)), config.WithLogger(logging.Nop{}))
	if err != nil {
		return nil, false, fmt.Errorf("load the AWS configuration: %w", err)
	}
	if cfg.Credentials == nil {
		return aws.AnonymousCredentials{}, true, nil
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if foundNothing(cfg.Credentials) {
			return aws.AnonymousCredentials{}, true, nil
		}
		return nil, false, &chainError{err: err}
	}
	return cfg.Credentials, false, nil
}

// chainHTTPClient is the client of the default chain's own requests (web
// identity's STS, container and instance endpoints): the SDK's buildable
// client, which alone lets AWS_CA_BUNDLE add to its trust, with the proxy
// and the trust (ca_certs, skip_ssl_verification) of client. It does not
// write debug lines.
func chainHTTPClient(client *network.Client) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.Proxy = http.ProxyFromEnvironment
		if client.TLS != nil {
			tr.TLSClientConfig = client.TLS.Clone()
			// AWS_CA_BUNDLE appends to this pool: a copy keeps it out of
			// the one every other request uses.
			tr.TLSClientConfig.RootCAs = client.TLS.RootCAs.Clone()
		}
	})
}

// foundNothing reports whether the default chain fell through to the
// instance metadata service, which fails where there is no instance role
// (outside EC2, or IMDS disabled): no source was configured. A source that
// was configured and failed (a web identity token that STS refuses, a
// container endpoint that is down) is an error worth reporting, not a
// reason to read anonymously and fail with the bucket's AccessDenied.
func foundNothing(chain aws.CredentialsProvider) bool {
	return aws.IsCredentialsProvider(chain, (*ec2rolecreds.Provider)(nil))
}

// assumeRole exchanges base for role credentials. S3-compatible servers that
// implement STS (MinIO, Ceph RGW) serve it on the same endpoint.
func assumeRole(base aws.CredentialsProvider, roleARN string, ep endpoint) aws.CredentialsProvider {
	stsOptions := sts.Options{Region: ep.region, Credentials: base, HTTPClient: ep.network.HTTP}
	if ep.custom {
		stsOptions.BaseEndpoint = aws.String(ep.baseURL)
	}
	provider := stscreds.NewAssumeRoleProvider(sts.New(stsOptions), roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = roleSessionName
	})
	return aws.NewCredentialsCache(roleCredentials{provider: provider, roleARN: roleARN})
}

// roleCredentials names the role when STS refuses it, so that the refusal is
// not mistaken for the bucket's answer.
type roleCredentials struct {
	provider aws.CredentialsProvider
	roleARN  string
}

func (r roleCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := r.provider.Retrieve(ctx)
	if err != nil {
		return creds, &assumeRoleError{roleARN: r.roleARN, err: err}
	}
	return creds, nil
}
