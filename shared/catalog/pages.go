package catalog

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// Paths of the site, relative to its root. Everything but the repositories
// page is under assetDir, a first segment that no host name can be, so
// that meta4-repo serve's /HOST/PATH never meets a catalog page.
const (
	indexPage  = "index.html"
	assetDir   = "-"
	styleSheet = assetDir + "/catalog.css"
	script     = assetDir + "/catalog.js"
	searchJSON = assetDir + "/search.json"
)

const (
	htmlType = "text/html; charset=utf-8"
	jsonType = "application/json"
)

//go:embed assets
var assets embed.FS

var pageTemplates = map[string]*template.Template{
	"repositories": parsePage("repositories.html"),
	"repository":   parsePage("repository.html"),
	"version":      parsePage("version.html"),
}

func parsePage(name string) *template.Template {
	layout := template.Must(template.New("layout.html").ParseFS(assets, "assets/layout.html"))
	return template.Must(layout.ParseFS(assets, "assets/"+name))
}

// repoPath and versionPath are where a repository's and a version's pages
// are.
func repoPath(id string) string { return assetDir + "/" + id + "/index.html" }

func versionPath(id, slug, ext string) string { return assetDir + "/" + id + "/" + slug + ext }

// page is what the layout needs of every page.
type page struct {
	Title string
	Root  string // the relative path from the page to the site's root
	Crumb []crumb
	Body  any
}

type crumb struct{ Text, Href string }

// paths are every path of the site, for Write.
func (s *Site) paths() []string {
	paths := []string{indexPage, styleSheet, script, searchJSON}
	for _, repo := range s.repos {
		paths = append(paths, repoPath(repo.ID))
		for _, v := range repo.Versions {
			for _, ext := range []string{".html", ".meta4", ".json"} {
				paths = append(paths, versionPath(repo.ID, v.Slug, ext))
			}
		}
	}
	return paths
}

// render is the content and type of the site's file at p (relative to the
// root, e.g. "-/r0/index.html"); found is false for a path that is no
// file of the site.
func (s *Site) render(ctx context.Context, p string) (data []byte, contentType string, found bool, err error) {
	switch p {
	case indexPage:
		data, err = s.execute("repositories", page{Title: "Repositories", Body: s.repositoriesBody()})
		return data, htmlType, true, err
	case styleSheet, script:
		data, err = assets.ReadFile("assets/" + strings.TrimPrefix(p, assetDir+"/"))
		contentType = "text/css; charset=utf-8"
		if p == script {
			contentType = "text/javascript; charset=utf-8"
		}
		return data, contentType, true, err
	case searchJSON:
		data, err = json.Marshal(struct {
			Files []searchEntry `json:"files"`
		}{s.search})
		return data, jsonType, true, err
	}
	rest, ok := strings.CutPrefix(p, assetDir+"/")
	id, name, ok2 := strings.Cut(rest, "/")
	repo := s.byID[id]
	if !ok || !ok2 || repo == nil {
		return nil, "", false, nil
	}
	if name == "index.html" {
		data, err = s.execute("repository", page{Title: repo.Name, Root: "../../", Crumb: []crumb{{Text: repo.Name}}, Body: repo})
		return data, htmlType, true, err
	}
	for _, ext := range []string{".html", ".meta4", ".json"} {
		if v := repo.bySlug[strings.TrimSuffix(name, ext)]; v != nil && strings.HasSuffix(name, ext) {
			data, contentType, err = s.renderVersion(ctx, repo, v, ext)
			return data, contentType, true, err
		}
	}
	return nil, "", false, nil
}

func (s *Site) renderVersion(ctx context.Context, repo *repoPage, v *versionPage, ext string) ([]byte, string, error) {
	switch ext {
	case ".meta4":
		data, err := metalink.MarshalXML(v.doc)
		return data, "application/metalink4+xml", err
	case ".json":
		data, err := metalink.MarshalJSON(v.doc)
		// Escaped <, > and & keep a file served under the wrong type from
		// being read as HTML.
		var escaped bytes.Buffer
		json.HTMLEscape(&escaped, data)
		return escaped.Bytes(), jsonType, err
	}
	changes, kept, historyErr := s.historyOf(ctx, repo, v)
	body := versionBody{Repo: repo, Version: v, HasHistory: kept, HistoryErr: historyErr}
	for _, c := range changes {
		body.History = append(body.History, newChangeRow(c))
	}
	title := v.Version
	if title == "" {
		title = v.Path
	}
	data, err := s.execute("version", page{
		Title: title, Root: "../../",
		Crumb: []crumb{{Text: repo.Name, Href: "index.html"}, {Text: title}},
		Body:  body,
	})
	return data, htmlType, err
}

func (s *Site) execute(name string, p page) ([]byte, error) {
	var b bytes.Buffer
	if err := pageTemplates[name].ExecuteTemplate(&b, "layout.html", p); err != nil {
		return nil, fmt.Errorf("render %s page: %w", name, err)
	}
	return b.Bytes(), nil
}

// repositoriesBody is the first page: the repositories and the search
// index the script reads (inline, so that search works from file://).
type repositoriesBody struct {
	Repos  []*repoPage
	Search any
}

func (s *Site) repositoriesBody() repositoriesBody {
	return repositoriesBody{Repos: s.repos, Search: s.search}
}

type versionBody struct {
	Repo       *repoPage
	Version    *versionPage
	HasHistory bool
	HistoryErr string
	History    []changeRow
}

// changeRow is one commit of a document's history.
type changeRow struct {
	ID, Short, Author, When, Summary string
	Build                            *link // the Mirrored-by trailer
}

func newChangeRow(c repository.Change) changeRow {
	row := changeRow{
		ID: c.ID, Short: c.ID, Author: bound(oneLine(c.Author), maxName),
		When: formatTime(c.When), Summary: bound(oneLine(hideSecrets(c.Summary)), maxName),
	}
	if len(row.Short) > 12 {
		row.Short = row.Short[:12]
	}
	for _, t := range c.Trailers {
		if strings.EqualFold(t.Key, "Mirrored-by") {
			l := linkOf(t.Value)
			row.Build = &l
		}
	}
	return row
}
