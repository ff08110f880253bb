package catalog

import (
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// filePage is one file of a version as its page shows it.
type filePage struct {
	Name, Version, Size           string
	Description, Identity, Signer string
	Hashes                        []hashRow
	URLs                          []urlRow
	MoreURLs                      int // beyond maxURLsShown
	License, Publisher            *namedLink
}

type hashRow struct{ Type, Hex string }

type urlRow struct {
	Priority, Location string
	Link               link
}

// namedLink is a licence or a publisher: a name and maybe a link.
type namedLink struct {
	Name string
	Link link
}

func newFilePage(f metalink.File) filePage {
	page := filePage{
		Name:        bound(oneLine(f.Name), maxName),
		Version:     bound(oneLine(f.Version), maxName),
		Size:        formatSize(f.Size),
		Description: bound(f.Description, maxDescription),
		Identity:    bound(oneLine(f.Identity), maxName),
		Signer:      signers(f.Signatures),
	}
	for _, h := range f.Hashes {
		page.Hashes = append(page.Hashes, hashRow{
			Type: bound(oneLine(metalink.HashType(h.Type)), maxName),
			Hex:  bound(strings.ToLower(strings.TrimSpace(h.Hash)), maxHash),
		})
	}
	for i, u := range metalink.ByPriority(f.URLs) {
		if i == maxURLsShown {
			page.MoreURLs = len(f.URLs) - i
			break
		}
		row := urlRow{Location: bound(oneLine(u.Location), maxName), Link: linkOf(u.URL)}
		if u.Priority != nil {
			row.Priority = itoa(int(*u.Priority))
		}
		page.URLs = append(page.URLs, row)
	}
	if f.License != nil {
		page.License = &namedLink{Name: bound(oneLine(f.License.Name), maxName), Link: linkOf(f.License.URL)}
	}
	if f.Publisher != nil {
		page.Publisher = &namedLink{Name: bound(oneLine(f.Publisher.Name), maxName), Link: linkOf(f.Publisher.URL)}
	}
	return page
}

// hexes are the file's hashes, for the search index.
func (f filePage) hexes() []string {
	hexes := make([]string, len(f.Hashes))
	for i, h := range f.Hashes {
		hexes[i] = h.Hex
	}
	return hexes
}
