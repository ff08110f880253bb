package s3client_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestS3store(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "s3client")
}
