package download

import (
	"net"
	"net/url"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

// priorityClasses groups the URLs of equal priority, in the order of
// metalink.ByPriority.
func priorityClasses(urls []metalink.URL) [][]string {
	var classes [][]string
	ordered := metalink.ByPriority(urls)
	for i, u := range ordered {
		if i == 0 || metalink.ComparePriority(ordered[i-1].Priority, u.Priority) != 0 {
			classes = append(classes, nil)
		}
		classes[len(classes)-1] = append(classes[len(classes)-1], u.URL)
	}
	return classes
}

// connections spreads up to split connections over urls, one URL after the
// other, with at most perServer to one host:port. Each entry is the URL of
// one connection.
func connections(urls []string, split, perServer int) []string {
	var out []string
	perHost := map[string]int{}
	for added := true; added && len(out) < split; {
		added = false
		for _, u := range urls {
			host := serverOf(u)
			if len(out) == split || perHost[host] >= perServer {
				continue
			}
			perHost[host]++
			out = append(out, u)
			added = true
		}
	}
	return out
}

// defaultPorts complete a host without a port, so that http://h and
// http://h:80 count as one server.
var defaultPorts = map[string]string{"http": "80", "https": "443", "ftp": "21", "s3": "443"}

// serverOf is the host:port that rawURL connects to.
func serverOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	port := u.Port()
	if port == "" {
		port = defaultPorts[transfer.Scheme(rawURL)]
	}
	return net.JoinHostPort(u.Hostname(), port)
}
