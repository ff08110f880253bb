package getstep

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/bytesize"
	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// DownloadConfig is source.download, and params.download laid over it key by
// key: how many connections fetch one file, and the files of a release, at
// once.
type DownloadConfig struct {
	// Split is the most connections for one file.
	Split *int `json:"split,omitempty"`
	// MaxConnectionsPerServer is the most connections to one host:port.
	MaxConnectionsPerServer *int `json:"max_connections_per_server,omitempty"`
	// MaxConnectionsPerHost is the most connections to one host:port
	// across the files fetched at once.
	MaxConnectionsPerHost *int `json:"max_connections_per_host,omitempty"`
	// MinSplitSize is the smallest file fetched in segments: bytes, or a
	// string with a unit ("16MiB", "20M").
	MinSplitSize strictjson.Flexible `json:"min_split_size,omitempty"`
}

// Limits of the download keys: more connections than that for one file
// only burden the mirrors.
const (
	maxConnections = 16
	minSplitSize   = 1 << 20
)

// apply lays the keys c sets over seg; path names c in errors
// ("source.download").
func (c *DownloadConfig) apply(path string, seg *download.Segments) error {
	if c == nil {
		return nil
	}
	if c.Split != nil {
		if err := checkConnections(path+".split", *c.Split); err != nil {
			return err
		}
		seg.Split = *c.Split
	}
	if c.MaxConnectionsPerServer != nil {
		if err := checkConnections(path+".max_connections_per_server", *c.MaxConnectionsPerServer); err != nil {
			return err
		}
		seg.PerServer = *c.MaxConnectionsPerServer
	}
	if c.MaxConnectionsPerHost != nil {
		if err := checkConnections(path+".max_connections_per_host", *c.MaxConnectionsPerHost); err != nil {
			return err
		}
		seg.PerHost = *c.MaxConnectionsPerHost
	}
	if strings.TrimSpace(string(c.MinSplitSize)) != "" {
		size, err := parseSize(string(c.MinSplitSize))
		if err != nil {
			return fmt.Errorf("%s.min_split_size: %w", path, err)
		}
		seg.MinSize = size
	}
	return nil
}

func checkConnections(key string, n int) error {
	if n < 1 || n > maxConnections {
		return fmt.Errorf("%s: %d is not between 1 and %d", key, n, maxConnections)
	}
	return nil
}

// parseSize reads "16777216", "16MiB", "20M" or "1 GB", at least 1 MiB.
func parseSize(text string) (int64, error) {
	size, err := bytesize.Parse(text)
	if err != nil {
		return 0, err
	}
	if size < minSplitSize {
		return 0, fmt.Errorf("%s is less than 1 MiB", strconv.Quote(strings.TrimSpace(text)))
	}
	return size, nil
}
