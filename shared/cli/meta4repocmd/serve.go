package meta4repocmd

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/bytesize"
	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/backend"
	"github.com/metalink-resources/metalink-resources/shared/serve"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// serveFlags are serve's own flags.
type serveFlags struct {
	options       serve.Options
	cacheMax      string
	trust         cli.TrustFlags
	skipSignature bool
}

// serveNames say serve.Options' fields by their flags.
func serveNames(f string) string {
	switch f {
	case "sources":
		return "URI"
	case "cache_dir":
		return "--cache"
	}
	return "--" + strings.ReplaceAll(f, "_", "-")
}

func (a *app) serveCommand() *cobra.Command {
	f := serveFlags{}
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--cache DIR] [--refresh DURATION] [flags] URI...",
		Short: "Serve the repositories' files over HTTP: by hash, by URL, by name and as metalinks",
		Long: "Serve every file the metalinks of the repositories describe, read-only, to any build tool's downloader:\n" +
			"/sha256/HEX (also sha512, sha1, md5; Nix hashed-mirrors), /HOST/PATH (the file of URL http(s)://HOST/PATH;\n" +
			"Bazel's downloader config), /name/FILE and /name/DIR/FILE (Buildroot's BR2_PRIMARY_SITE), any of them\n" +
			"+ .meta4 (a metalink of the file, this server first), and /index.json. A file is downloaded once, from its\n" +
			"URLs as in does, verified (size, hashes, pieces, signature) into the cache, and only then served.\n" +
			"The repositories are read again every --refresh and on SIGHUP; SIGTERM drains requests, then exits 0.",
		Args: cli.Args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return a.serve(cmd.Context(), f, args) },
	}
	flags := cmd.Flags()
	flags.StringVar(&f.options.Listen, "listen", serve.DefaultListen, "HOST:PORT to listen on")
	flags.StringVar(&f.options.CacheDir, "cache", defaultCacheDir(), "directory of the verified files (created when missing)")
	flags.StringVar(&f.cacheMax, "cache-max", "", "evict the least recently used files beyond this size (e.g. 200GiB; default: no limit)")
	flags.DurationVar(&f.options.Refresh, "refresh", serve.DefaultRefresh, "time between reads of the repositories")
	flags.StringVar(&f.options.TLSCert, "tls-cert", "", "PEM certificate (chain) file: serve HTTPS")
	flags.StringVar(&f.options.TLSKey, "tls-key", "", "PEM private key file of --tls-cert")
	flags.StringVar(&f.options.PublicURL, "public-url", "", "the URL clients reach this server at, for metalinks and Link headers (default: from each request's Host)")
	f.trust.Register(flags)
	flags.BoolVar(&f.skipSignature, "skip-signature-verification", false, "do not check signatures")
	return cmd
}

// defaultCacheDir is meta4-repo/serve in the user's cache directory.
func defaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "meta4-repo", "serve")
}

func (a *app) serve(ctx context.Context, f serveFlags, uris []string) error {
	opts, err := a.serveOptions(f, uris)
	if err != nil {
		return err
	}
	server, err := serve.New(opts)
	if err != nil {
		return err
	}
	hangups := make(chan os.Signal, 1)
	signal.Notify(hangups, syscall.SIGHUP)
	defer signal.Stop(hangups)
	go func() {
		for {
			select {
			case <-hangups:
				server.Refresh()
			case <-ctx.Done():
				return
			}
		}
	}()
	return server.Run(ctx)
}

// serveOptions compile the flags and URIs into serve.Options: every URI
// configured (none connected) and the download engine set up as in's.
func (a *app) serveOptions(f serveFlags, uris []string) (serve.Options, error) {
	opts := f.options
	opts.Names, opts.Log = serveNames, a.console
	if f.cacheMax != "" {
		size, err := bytesize.Parse(f.cacheMax)
		if err != nil {
			return opts, cli.Usagef("--cache-max: %v", err)
		}
		opts.CacheMax = size
	}
	if opts.Refresh <= 0 {
		return opts, cli.Usagef("--refresh %s: must be positive", opts.Refresh)
	}
	client, err := a.network.Client(a.console)
	if err != nil {
		return opts, err
	}
	if opts.Sources, err = a.sources(uris, client); err != nil {
		return opts, err
	}
	opts.Download, err = a.serveDownload(f, client)
	return opts, err
}

// sources configure every URI; --disable-ssl also reaches s3:// mirrors,
// so it may come with repositories of any kind.
func (a *app) sources(uris []string, client *network.Client) ([]serve.Source, error) {
	targets := make([]backend.Target, len(uris))
	for i, uri := range uris {
		target, err := backend.Parse(uri, a.options.names)
		if err != nil {
			return nil, err
		}
		targets[i] = target
	}
	if err := a.options.checkFlagsApply(targets, "disable-ssl"); err != nil {
		return nil, err
	}
	sources := make([]serve.Source, len(uris))
	for i, target := range targets {
		opener, err := a.configure(target, false)
		if err != nil {
			return nil, err
		}
		sources[i] = serve.Source{
			Name: redact.String(target.URI),
			Open: func(ctx context.Context) (repository.Repository, error) { return a.connect(ctx, opener, client) },
		}
	}
	return sources, nil
}

// serveDownload is in's download engine: s3:// mirrors with the SDK's
// default credentials, every request through client, verification with
// the trust store.
func (a *app) serveDownload(f serveFlags, client *network.Client) (download.Options, error) {
	trust, err := f.trust.Trust(a.streams.Stdin, serveNames)
	if err != nil {
		return download.Options{}, err
	}
	v := verify.Options{SkipSignature: f.skipSignature, Trust: trust, Names: serveNames}
	handlers, err := a.mirrorHandlers(client)
	if err != nil {
		return download.Options{}, err
	}
	return download.Options{Reader: handlers.Router(), Verify: v, Report: a.console}, nil
}
