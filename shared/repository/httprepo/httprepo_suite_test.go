package httprepo_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestHttprepo(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "httprepo")
}
