package ftpserver_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFtpserver(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "ftpserver")
}
