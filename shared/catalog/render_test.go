package catalog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/catalog"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/filerepo"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"
	"github.com/metalink-resources/metalink-resources/shared/repository/s3repo"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// recordedDoc is a one-file document with every record the catalog shows.
func recordedDoc(version string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink"><published>2024-03-0%[1]sT10:00:00Z</published>
<file name="tool-%[1]s.tar.gz"><version>%[1]s.0</version><size>%[1]s048576</size>
<description>The tool, for the release builds</description><identity>tool</identity>
<license name="MIT" url="https://opensource.org/license/mit"/><publisher name="Acme" url="https://acme.example.com"/>
<hash type="sha-256">%064[1]s</hash><hash type="sha-512">%0128[1]s</hash>
<url priority="1" location="de">https://mirror.example.com/tool-%[1]s.tar.gz</url><url priority="2">ftp://ftp.example.com/tool-%[1]s.tar.gz</url>
</file></metalink>
`, version)
}

var _ = Describe("the catalog", func() {
	env := func() repository.Env { return repository.Env{TempDir: GinkgoT().TempDir()} }

	It("renders a file repository: the repositories, its versions newest first, and each version's files", func() {
		dir := GinkgoT().TempDir()
		filetree.Write(filepath.Join(dir, "v1.meta4"), recordedDoc("1"))
		filetree.Write(filepath.Join(dir, "v2.meta4"), recordedDoc("2"))
		repo, err := repotest.Open(env())(filerepo.Configure("file://"+dir, repotest.Names))
		Expect(err).NotTo(HaveOccurred())

		site := written(catalog.Repository{Name: "file://" + dir, Entries: list(repo), Repo: repo})

		files := siteFiles(site)
		Expect(files["index.html"]).To(ContainSubstring(`<a href="-/r0/index.html">file://` + dir + `</a></td><td>2</td><td>2.0</td><td>2024-03-02 10:00 UTC</td>`))
		versions := files["-/r0/index.html"]
		Expect(strings.Index(versions, ">2.0</a>")).To(BeNumerically("<", strings.Index(versions, ">1.0</a>")), "newest first")
		Expect(versions).To(ContainSubstring(`<td>1</td><td>2.0 MiB (2048576 bytes)</td><td>2024-03-02 10:00 UTC</td><td class="description">The tool, for the release builds</td><td>MIT</td>`))
		pages := versionPages(site)
		Expect(pages).To(HaveLen(2))
		var page, slug string
		for path, text := range pages {
			if strings.Contains(text, "<h1>2.0</h1>") {
				page, slug = text, strings.TrimSuffix(filepath.Base(path), ".html")
			}
		}
		Expect(page).To(ContainSubstring(`<h2 id="file-0">tool-2.tar.gz</h2>`))
		Expect(page).To(ContainSubstring(`data-copy="` + strings.Repeat("0", 63) + `2"`))
		Expect(page).To(ContainSubstring(`data-copy="` + strings.Repeat("0", 127) + `2"`))
		Expect(page).To(ContainSubstring(`<tr><td>1</td><td>de</td><td class="url"><a href="https://mirror.example.com/tool-2.tar.gz"`))
		Expect(page).To(ContainSubstring(`<tr><td>2</td><td></td><td class="url"><a href="ftp://ftp.example.com/tool-2.tar.gz"`))
		Expect(page).To(ContainSubstring(`<dt>Licence</dt><dd><a href="https://opensource.org/license/mit" rel="noopener noreferrer nofollow">MIT</a></dd>`))
		Expect(page).To(ContainSubstring(`<dt>Publisher</dt><dd><a href="https://acme.example.com" rel="noopener noreferrer nofollow">Acme</a></dd>`))
		Expect(page).To(ContainSubstring(`<dt>Product</dt><dd>tool</dd>`))
		Expect(page).To(ContainSubstring(`href="` + slug + `.meta4"`))
		Expect(page).NotTo(ContainSubstring("History"), "a file repository keeps none")
		doc, err := metalink.Parse([]byte(files["-/r0/"+slug+".meta4"]))
		Expect(err).NotTo(HaveOccurred())
		Expect(doc.Files[0].Name).To(Equal("tool-2.tar.gz"))
		fromJSON, err := metalink.Parse([]byte(files["-/r0/"+slug+".json"]))
		Expect(err).NotTo(HaveOccurred())
		Expect(fromJSON).To(Equal(doc))
		var search struct {
			Files []struct{ Name, Page string }
		}
		Expect(json.Unmarshal([]byte(files["-/search.json"]), &search)).To(Succeed())
		Expect(search.Files).To(ContainElement(HaveField("Page", "-/r0/"+slug+".html")))
	})

	It("renders a git repository over http with each document's commits, authors, dates and the build that made them", func() {
		root := GinkgoT().TempDir()
		repo := gitserver.NewRepo(GinkgoT(), root, "acme/metalinks.git")
		first := repo.WriteFiles(GinkgoT(), "tool 1.0", map[string]string{"tool/v1.meta4": recordedDoc("1")})
		last := repo.WriteFiles(GinkgoT(), "tool 1.0: a mirror copy\n\nMirrored-by: https://ci.example.com/teams/main/pipelines/mirror/jobs/tool/builds/42",
			map[string]string{"tool/v1.meta4": recordedDoc("1") + "\n"})
		srv := gitserver.StartHTTP(GinkgoT(), root, "ci", "git-pass-1234")
		uri := "git+" + srv.RepoURL(repo) + "//tool"
		opened, err := repotest.Open(env())(gitrepo.Configure(uri, gitrepo.Options{Username: "ci", Password: "git-pass-1234"}, repotest.Names))
		Expect(err).NotTo(HaveOccurred())

		site := written(catalog.Repository{Name: uri, Entries: list(opened), Repo: opened})

		pages := versionPages(site)
		Expect(pages).To(HaveLen(1))
		for _, page := range pages {
			Expect(page).To(ContainSubstring(`<h2 id="history">History</h2>`))
			Expect(page).To(ContainSubstring(`<code title="` + last + `">` + last[:12] + `</code>`))
			Expect(page).To(ContainSubstring(`<code title="` + first + `">` + first[:12] + `</code>`))
			Expect(strings.Index(page, last[:12])).To(BeNumerically("<", strings.Index(page, first[:12])), "newest first")
			Expect(page).To(ContainSubstring(`<td>tool 1.0: a mirror copy</td><td class="url"><a href="https://ci.example.com/teams/main/pipelines/mirror/jobs/tool/builds/42"`))
			Expect(page).To(MatchRegexp(`<td>\d{4}-\d\d-\d\d \d\d:\d\d UTC</td><td>[^<]+</td><td>tool 1.0</td>`))
		}
		for path, text := range siteFiles(site) {
			Expect(text).NotTo(ContainSubstring("git-pass-1234"), path)
		}
	})

	It("renders an S3 repository", func() {
		server := s3server.Start(GinkgoT(), "metalinks")
		Expect(server.Put(context.Background(), "metalinks", "prod/tool/v3.meta4", []byte(recordedDoc("3")))).To(Succeed())
		uri := server.URL("metalinks", "prod")
		opened, err := repotest.Open(env())(s3repo.Configure(uri, server.Credentials(), repotest.Names))
		Expect(err).NotTo(HaveOccurred())

		site := written(catalog.Repository{Name: uri, Entries: list(opened), Repo: opened})

		files := siteFiles(site)
		Expect(files["index.html"]).To(ContainSubstring(`</a></td><td>1</td><td>3.0</td>`))
		pages := versionPages(site)
		Expect(pages).To(HaveLen(1))
		for _, page := range pages {
			Expect(page).To(ContainSubstring(`<h2 id="file-0">tool-3.tar.gz</h2>`))
			Expect(page).To(ContainSubstring(`The document <code>tool/v3.meta4</code>`))
		}
	})

	It("serves the same pages as it writes, / being the repositories page", func() {
		dir := GinkgoT().TempDir()
		filetree.Write(filepath.Join(dir, "v1.meta4"), recordedDoc("1"))
		repos := []catalog.Repository{{Name: "file://" + dir, Entries: []repository.Entry{{Path: "v1.meta4", Metalink: parsed(recordedDoc("1"))}}}}
		site := written(repos...)
		srv := httptest.NewServer(catalog.New(repos))
		DeferCleanup(srv.Close)

		for path, text := range siteFiles(site) {
			Expect(get(srv.URL+"/"+path)).To(Equal(text), path)
		}
		Expect(get(srv.URL + "/")).To(Equal(siteFiles(site)["index.html"]))
		resp, err := http.Get(srv.URL + "/-/r0/nothing.html")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
		Expect(resp.Body.Close()).To(Succeed())
	})

	It("shows a repository that failed to load with its error, without its secrets", func() {
		failed := catalog.Repository{Name: "git+https://ci:hunter2-token@git.example.com/m.git", Err: fmt.Errorf("list refs of https://ci:hunter2-token@git.example.com/m.git: 503 Service Unavailable")}

		files := siteFiles(written(failed))

		Expect(files["index.html"]).To(ContainSubstring(`failed to load: list refs of https://[redacted]@git.example.com/m.git: 503 Service Unavailable`))
		Expect(files["-/r0/index.html"]).To(ContainSubstring(`<p class="error" role="alert">This repository failed to load: list refs of`))
		for path, text := range files {
			Expect(text).NotTo(ContainSubstring("hunter2-token"), path)
		}
	})
})

func parsed(text string) metalink.Metalink {
	GinkgoHelper()
	doc, err := metalink.Parse([]byte(text))
	Expect(err).NotTo(HaveOccurred())
	return doc
}

func get(url string) string {
	GinkgoHelper()
	resp, err := http.Get(url)
	Expect(err).NotTo(HaveOccurred())
	defer func() { _ = resp.Body.Close() }()
	Expect(resp.StatusCode).To(Equal(http.StatusOK), url)
	data, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}
