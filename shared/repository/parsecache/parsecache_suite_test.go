package parsecache_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestParsecache(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "parsecache")
}
