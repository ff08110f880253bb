package s3server_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestS3server(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "s3server")
}
