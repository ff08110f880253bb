package concourse_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
)

var _ = DescribeTable("the build's URL, from Concourse's metadata",
	func(environ map[string]string, want string) {
		env := concourse.Env{Getenv: func(name string) string { return environ[name] }}
		Expect(env.BuildURL()).To(Equal(want))
	},
	Entry("a job's build", map[string]string{"ATC_EXTERNAL_URL": "https://ci.example.com/", "BUILD_TEAM_NAME": "main",
		"BUILD_PIPELINE_NAME": "mirror", "BUILD_JOB_NAME": "mirror golang", "BUILD_NAME": "42", "BUILD_ID": "991"},
		"https://ci.example.com/teams/main/pipelines/mirror/jobs/mirror%20golang/builds/42"),
	Entry("a one-off build", map[string]string{"ATC_EXTERNAL_URL": "https://ci.example.com", "BUILD_ID": "991"},
		"https://ci.example.com/builds/991"),
	Entry("no userinfo", map[string]string{"ATC_EXTERNAL_URL": "https://admin:s3cret@ci.example.com", "BUILD_ID": "7"},
		"https://ci.example.com/builds/7"),
	Entry("outside Concourse", map[string]string{}, ""),
	Entry("an external URL alone", map[string]string{"ATC_EXTERNAL_URL": "https://ci.example.com"}, ""),
)
