package audit_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/patience"
)

func TestAudit(t *testing.T) {
	RegisterFailHandler(Fail)
	patience.Apply()
	RunSpecs(t, "audit")
}
