package meta4repocmd_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
)

var _ = Describe("filter", func() {
	var uri string

	BeforeEach(func() {
		uri = fileRepo(map[string]string{
			"v0.9.meta4": "0.9", "v1.0.2.meta4": "1.0.2", "stable/v1.0.2k.meta4": "1.0.2k", "v1.0.10.meta4": "1.0.10",
			"stable/v1.1.0.meta4": "1.1.0", "v1.1.0-rc.1.meta4": "1.1.0-rc.1", "notes.txt": "ignored: not .meta4",
		})
	})

	It("lists newest first in the resources' order, letter versions included", func() {
		Expect(repoTool().Succeed("filter", "--format=version", uri)).To(Equal("1.1.0\n1.1.0-rc.1\n1.0.10\n1.0.2k\n1.0.2\n0.9\n"))
	})

	It("limits, reverses and ANDs filters as the resource's filters do", func() {
		tool := repoTool()
		Expect(tool.Succeed("filter", "--format=version", "-n2", uri)).To(Equal("1.1.0\n1.1.0-rc.1\n"))
		Expect(tool.Succeed("filter", "--format=version", "--filter", "fileversion:~1.0", "-n", "4", uri)).To(Equal("1.0.10\n1.0.2k\n1.0.2\n"))
		Expect(tool.Succeed("filter", "--format", "version", "--sort-reverse", "-f", "repositorypath:stable/*", uri)).To(Equal("1.0.2k\n1.1.0\n"))
		Expect(tool.Succeed("filter", "--format=version", "-f", "repositorypath:stable/*", "-f", "fileversion:>=1.1", uri)).To(Equal("1.1.0\n"))
		Expect(tool.Succeed("filter", "--format=version", "-f", "repositorypath:*", uri)).To(Equal("1.1.0-rc.1\n1.0.10\n1.0.2\n0.9\n"))
	})

	It("leaves out documents without a version, with a warning", func() {
		dir := strings.TrimPrefix(uri, "file://")
		filetree.Write(filepath.Join(dir, "unversioned.meta4"), `{"files":[{"name":"x"}]}`)
		r := repoTool().Run("filter", "--format=version", "-n1", uri)
		Expect(r.Code).To(Equal(0))
		Expect(r.Stdout).To(Equal("1.1.0\n"))
		Expect(r.Stderr).To(Equal("warning: skipping unversioned.meta4: its first file has no version\n"))
	})

	It("prints JSON, metalink XML, and an index XML that an http repository serves back", func() {
		tool := repoTool()
		var list struct {
			Metalinks []struct {
				Path     string          `json:"path"`
				Metalink json.RawMessage `json:"metalink"`
			} `json:"metalinks"`
		}
		Expect(json.Unmarshal([]byte(tool.Succeed("filter", "--format=json", "-n2", uri)), &list)).To(Succeed())
		Expect(list.Metalinks).To(HaveLen(2))
		Expect(list.Metalinks[0].Path).To(Equal("stable/v1.1.0.meta4"))
		Expect(parse(string(list.Metalinks[1].Metalink)).Files[0].Version).To(Equal("1.1.0-rc.1"))

		Expect(parse(tool.Succeed("filter", "--format=metalinkxml", "-n1", uri)).Files[0].Version).To(Equal("1.1.0"))

		index := tool.Succeed("filter", uri) // xml is the default
		Expect(index).To(HavePrefix("<?xml"))
		server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(index))
		}))
		DeferCleanup(server.Close)
		Expect(tool.Succeed("filter", "--format=version", "-f", "repositorypath:stable/*", server.URL+"/index.xml")).To(Equal("1.1.0\n1.0.2k\n"))
		Expect(parse(tool.Succeed("show", "-f", "fileversion:0.9", server.URL+"/index.xml"))).To(Equal(parse(meta4Doc("0.9"))))
	})

	DescribeTable("refuses bad flags with exit 2 and the usage",
		func(args []string, line string) {
			r := repoTool().Run(append(args, uri)...)
			Expect(r.Code).To(Equal(2), r.Stderr)
			Expect(strings.SplitN(r.Stderr, "\n", 2)[0]).To(Equal(line))
			Expect(r.Stderr).To(ContainSubstring("Usage:\n  meta4-repo filter"))
		},
		Entry("a filter without a type", []string{"filter", "-f", "1.2"},
			`meta4-repo filter: --filter "1.2": expected TYPE:VALUE, e.g. fileversion:~1.11 or repositorypath:stable/*`),
		Entry("an unknown filter type", []string{"filter", "-f", "axiom:x"},
			`meta4-repo filter: --filter "axiom:x": unknown filter type "axiom" (expected fileversion or repositorypath)`),
		Entry("a bad constraint", []string{"filter", "-f", "fileversion:newest"},
			`meta4-repo filter: --filter "fileversion:newest": fileversion: invalid version constraint "newest": improper constraint: "newest"`),
		Entry("a bad glob", []string{"filter", "-f", "repositorypath:["},
			`meta4-repo filter: --filter "repositorypath:[": repositorypath: bad pattern: syntax error in pattern`),
		Entry("an unknown format", []string{"filter", "--format", "yaml"},
			`meta4-repo filter: --format "yaml": expected xml, json, version, metalinkxml`),
		Entry("a negative limit", []string{"filter", "-n", "-1"}, "meta4-repo filter: -n -1: expected 0 (no limit) or more"),
	)

	It("names a document it cannot parse, and a flag meant for another backend", func() {
		dir := strings.TrimPrefix(uri, "file://")
		filetree.Write(filepath.Join(dir, "broken.meta4"), "<html>")
		Expect(repoTool().Fail("filter", uri)).To(ContainSubstring("broken.meta4"))
		Expect(repoTool().Fail("filter", "--known-hosts-file", "x", uri)).To(Equal(
			"meta4-repo filter: --known-hosts-file does not apply to file:// repositories"))
		Expect(repoTool().Fail("filter", "ftp://host/x")).To(Equal(
			`meta4-repo filter: URI "ftp://host/x": unknown scheme "ftp" (expected file, git+file, git+http(s), git+ssh, s3, http or https)`))
	})
})

var _ = Describe("show", func() {
	It("prints the one matching document as meta4 XML, or as JSON or its version", func() {
		uri := fileRepo(map[string]string{"v1.meta4": "1.0.0", "v2.meta4": "2.0.0"})
		tool := repoTool()
		out := tool.Succeed("show", "--filter", "fileversion:1.0.0", uri)
		Expect(out).To(HavePrefix(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<metalink xmlns="urn:ietf:params:xml:ns:metalink">`))
		Expect(parse(out)).To(Equal(parse(meta4Doc("1.0.0"))))
		Expect(parse(tool.Succeed("show", "-f", "fileversion:2", "--format=json", uri))).To(Equal(parse(meta4Doc("2.0.0"))))
		Expect(tool.Succeed("show", "-f", "repositorypath:v2.meta4", "--format=version", uri)).To(Equal("2.0.0\n"))
	})

	It("says how many documents match when it is not exactly one", func() {
		uri := fileRepo(map[string]string{"v1.meta4": "1.0.0", "v2.meta4": "2.0.0"})
		Expect(repoTool().Fail("show", uri)).To(Equal(
			"meta4-repo show: 2 metalinks pass the filters (v1.meta4, v2.meta4): expected exactly one; narrow them with --filter"))
		Expect(repoTool().Fail("show", "-f", "fileversion:3", uri)).To(Equal(
			"meta4-repo show: no metalink in " + uri + " passes the filters"))
	})
})
