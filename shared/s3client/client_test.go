package s3client_test

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

var _ = Describe("NewClient", func() {
	keys := s3client.Options{AccessKey: "AK", SecretKey: "SK"}

	// endpoint is what a client was configured with: where it sends requests.
	type endpoint struct {
		BaseEndpoint string
		PathStyle    bool
		Region       string
		DualStack    bool
		DisableHTTPS bool
	}

	DescribeTable("addresses AWS hosts through the SDK and any other host as a path-style custom endpoint",
		func(raw string, opts s3client.Options, want endpoint) {
			loc, err := s3client.ParseURL(raw)
			Expect(err).NotTo(HaveOccurred())
			client, err := s3client.NewClient(context.Background(), loc, opts, network.Default())
			Expect(err).NotTo(HaveOccurred())
			o := client.Options()
			Expect(endpoint{
				BaseEndpoint: aws.ToString(o.BaseEndpoint),
				PathStyle:    o.UsePathStyle,
				Region:       o.Region,
				DualStack:    o.EndpointOptions.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled,
				DisableHTTPS: o.EndpointOptions.DisableHTTPS,
			}).To(Equal(want))
		},
		Entry("the global AWS host with a region option", "s3://s3.amazonaws.com/b/k",
			s3client.Options{AccessKey: "AK", SecretKey: "SK", Region: "eu-central-1"},
			endpoint{Region: "eu-central-1"}),
		Entry("a legacy s3-REGION host", "s3://s3-eu-west-1.amazonaws.com/b/k", keys,
			endpoint{Region: "eu-west-1"}),
		Entry("the legacy s3-external-1 host", "s3://s3-external-1.amazonaws.com/b/k", keys,
			endpoint{Region: "us-east-1"}),
		Entry("an s3.REGION host", "s3://s3.ap-south-1.amazonaws.com/b/k", keys,
			endpoint{Region: "ap-south-1"}),
		Entry("a dualstack host", "s3://s3.dualstack.us-west-2.amazonaws.com/b/k", keys,
			endpoint{Region: "us-west-2", DualStack: true}),
		Entry("an AWS host on port 443", "s3://s3.us-west-2.amazonaws.com:443/b/k", keys,
			endpoint{Region: "us-west-2"}),
		Entry("an AWS host with disable_ssl", "s3://s3.us-west-2.amazonaws.com/b/k",
			s3client.Options{AccessKey: "AK", SecretKey: "SK", DisableSSL: true},
			endpoint{Region: "us-west-2", DisableHTTPS: true}),
		Entry("a custom host over https", "s3://minio.example.com/b/k", keys,
			endpoint{BaseEndpoint: "https://minio.example.com", PathStyle: true, Region: "us-east-1"}),
		Entry("a custom host and port over plain http", "s3://127.0.0.1:9000/b/k",
			s3client.Options{AccessKey: "AK", SecretKey: "SK", DisableSSL: true},
			endpoint{BaseEndpoint: "http://127.0.0.1:9000", PathStyle: true, Region: "us-east-1"}),
		Entry("a custom host with a region", "s3://r2.example.com/b/k",
			s3client.Options{AccessKey: "AK", SecretKey: "SK", Region: "auto"},
			endpoint{BaseEndpoint: "https://r2.example.com", PathStyle: true, Region: "auto"}),
		Entry("an AWS-looking host on another port", "s3://s3.us-west-2.amazonaws.com:8443/b/k", keys,
			endpoint{BaseEndpoint: "https://s3.us-west-2.amazonaws.com:8443", PathStyle: true, Region: "us-east-1"}),
		Entry("a custom host with use_path_style false", "s3://minio.example.com/b/k",
			s3client.Options{AccessKey: "AK", SecretKey: "SK", UsePathStyle: new(strictjson.Bool(false))},
			endpoint{BaseEndpoint: "https://minio.example.com", Region: "us-east-1"}),
		Entry("a custom host with use_path_style true", "s3://minio.example.com/b/k",
			s3client.Options{AccessKey: "AK", SecretKey: "SK", UsePathStyle: new(strictjson.Bool(true))},
			endpoint{BaseEndpoint: "https://minio.example.com", PathStyle: true, Region: "us-east-1"}),
		Entry("an AWS host with use_path_style true", "s3://s3.eu-west-1.amazonaws.com/b/k",
			s3client.Options{AccessKey: "AK", SecretKey: "SK", UsePathStyle: new(strictjson.Bool(true))},
			endpoint{Region: "eu-west-1", PathStyle: true}),
	)

	DescribeTable("signs with the most specific credentials given",
		func(raw string, opts s3client.Options, wantAccessKey string) {
			loc, err := s3client.ParseURL(raw)
			Expect(err).NotTo(HaveOccurred())
			client, err := s3client.NewClient(context.Background(), loc, opts, network.Default())
			Expect(err).NotTo(HaveOccurred())
			creds, err := client.Options().Credentials.Retrieve(context.Background())
			Expect(err).NotTo(HaveOccurred())
			Expect(creds.AccessKeyID).To(Equal(wantAccessKey))
		},
		Entry("keys from the options", "s3://host/b/k", s3client.Options{AccessKey: "OPT", SecretKey: "S"}, "OPT"),
		Entry("keys from the URL over the options", "s3://URL:S@host/b/k", s3client.Options{AccessKey: "OPT", SecretKey: "S"}, "URL"),
		Entry("keys from the URL over anonymous", "s3://URL:S@host/b/k", s3client.Options{Anonymous: true}, "URL"),
	)
})
