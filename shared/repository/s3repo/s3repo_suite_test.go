package s3repo_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestS3repo(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "s3repo")
}
