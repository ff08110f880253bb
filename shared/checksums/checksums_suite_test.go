package checksums_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestChecksums(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "checksums")
}
