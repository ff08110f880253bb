package metalink_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestMetalink(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Metalink Suite")
}
