package concourse

import (
	"net/url"
	"strings"
)

// BuildURL is the web address of the build running the step, made from the
// metadata Concourse puts in a step's environment, e.g.
// https://ci.example.com/teams/main/pipelines/mirror/jobs/mirror-golang/builds/42,
// or /builds/ID for a one-off build; "" outside Concourse.
func (e Env) BuildURL() string {
	get := func(name string) string { return strings.TrimSpace(e.Getenv(name)) }
	external, err := url.Parse(get("ATC_EXTERNAL_URL"))
	if err != nil || external.Host == "" {
		return ""
	}
	external.User = nil // a build's address is published: never a credential
	base := strings.TrimRight(external.String(), "/")
	team, pipeline, job, name := get("BUILD_TEAM_NAME"), get("BUILD_PIPELINE_NAME"), get("BUILD_JOB_NAME"), get("BUILD_NAME")
	if team == "" || pipeline == "" || job == "" || name == "" {
		if id := get("BUILD_ID"); id != "" {
			return base + "/builds/" + url.PathEscape(id)
		}
		return ""
	}
	path := []string{"teams", team, "pipelines", pipeline, "jobs", job, "builds", name}
	for i, segment := range path {
		path[i] = url.PathEscape(segment)
	}
	return base + "/" + strings.Join(path, "/")
}
