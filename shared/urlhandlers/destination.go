package urlhandlers

import (
	"fmt"

	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

// OptionsFor returns the options of the first entry that selects rawURL, by
// the same type, include and exclude rules as downloads: the credentials and
// endpoint settings with which out writes an s3:// mirror destination. When
// no entry selects it, the zero Options apply (the SDK's default credential
// chain over HTTPS).
func OptionsFor(configs []Config, rawURL string) (s3client.Options, error) {
	for i, config := range configs {
		handler, err := build(fmt.Sprintf("url_handlers[%d]", i), config)
		if err != nil {
			return s3client.Options{}, err
		}
		if handler.Handles(rawURL) {
			return handler.opts, nil
		}
	}
	return s3client.Options{}, nil
}
