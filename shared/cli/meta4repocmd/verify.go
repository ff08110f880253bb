package meta4repocmd

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/audit"
	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/backend"
	"github.com/metalink-resources/metalink-resources/shared/repository/filerepo"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

const formatText = "text"

var verifyFormats = []string{formatText, formatJSON}

// verifyNames say audit.Options' fields by their flags.
func verifyNames(f string) string {
	if f == "mirrors" {
		return "--mirror"
	}
	return "--" + strings.ReplaceAll(f, "_", "-")
}

func (a *app) verifyCommand() *cobra.Command {
	opts := audit.Options{Names: verifyNames}
	format := formatText
	var trust cli.TrustFlags
	cmd := &cobra.Command{
		Use:   "verify [--deep] [--upstream] [--mirror PREFIX]... [--jobs N] [--format text|json] URI",
		Short: "Audit the repository: every mirror copy still there and right; with --upstream, the original URLs too",
		Long: "Check every URL of every file of every document. A URL is a mirror copy when it starts with a --mirror\n" +
			"prefix or, without --mirror, when it is s3:// or file://; every other URL is upstream. A mirror copy\n" +
			"must exist with the file's size (HEAD, S3 HeadObject and its recorded hashes, stat, FTP SIZE); --deep\n" +
			"downloads it and checks its hashes (and its signatures, given a trust flag). --upstream also checks the upstream URLs: vanished or changed ones\n" +
			"are warnings. One line per problem, then a summary; exit 1 when a mirror copy is missing, wrong or\n" +
			"unreadable. Progress every 5 s on stderr.",
		Args: cli.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if trust.Given() {
				if !opts.Deep {
					return cli.Usagef("the trust flags check the signatures of downloaded copies: give --deep too")
				}
				t, err := trust.Trust(a.streams.Stdin, verifyNames)
				if err != nil {
					return err
				}
				opts.Trust = &t
			}
			return a.verify(cmd.Context(), opts, format, args[0])
		},
	}
	flags := cmd.Flags()
	flags.BoolVar(&opts.Deep, "deep", false, "download every checked URL and compare its hashes (default: sizes only)")
	flags.BoolVar(&opts.Upstream, "upstream", false, "also check the upstream URLs (warnings: vanished, changed)")
	flags.StringArrayVar(&opts.Mirrors, "mirror", nil, "URL prefix of mirror copies, repeatable (default: every s3:// and file:// URL)")
	flags.IntVar(&opts.Jobs, "jobs", audit.DefaultJobs, "URLs checked at once")
	flags.StringVar(&format, "format", formatText, "text (one line per problem and a summary) or json")
	trust.Register(flags) // with --deep, each copy's signatures are checked as in does
	return cmd
}

func (a *app) verify(ctx context.Context, opts audit.Options, format, uri string) error {
	if err := checkFormat(format, verifyFormats); err != nil {
		return err
	}
	if opts.Jobs <= 0 {
		return cli.Usagef("--jobs %d: must be positive", opts.Jobs)
	}
	client, err := a.network.Client(a.console)
	if err != nil {
		return err
	}
	if opts.Handlers, err = a.mirrorHandlers(client); err != nil {
		return err
	}
	if err := opts.Validate(); err != nil {
		return cli.UsageError{Err: err}
	}
	entries, err := a.listAudited(ctx, uri, client)
	if err != nil {
		return err
	}
	opts.Progress = a.console
	result, err := audit.Run(ctx, entries, opts)
	if err != nil {
		return err
	}
	if err := writeAudit(a.streams.Stdout, format, result); err != nil {
		return err
	}
	if n := result.MirrorProblems(); n > 0 {
		return fmt.Errorf("%d of %d mirror copies missing, wrong or unreadable", n, result.Copies)
	}
	return nil
}

// listAudited lists the repository at uri. --disable-ssl also reaches the
// s3:// mirror copies, so it may come with a repository of any kind.
func (a *app) listAudited(ctx context.Context, uri string, client *network.Client) ([]repository.Entry, error) {
	target, err := backend.Parse(uri, a.options.names)
	if err != nil {
		return nil, err
	}
	if err := a.options.checkFlagsApply([]backend.Target{target}, "disable-ssl"); err != nil {
		return nil, err
	}
	if filerepo.IsFileURI(uri) {
		if err := filerepo.CheckExists(uri); err != nil {
			return nil, err
		}
	}
	opener, err := a.configure(target, false)
	if err != nil {
		return nil, err
	}
	repo, err := a.connect(ctx, opener, client)
	if err != nil {
		return nil, err
	}
	return repo.List(ctx)
}

// mirrorHandlers read s3:// URLs with the SDK's default credentials (and
// --disable-ssl), every other scheme as downloads do, through client.
func (a *app) mirrorHandlers(client *network.Client) (*urlhandlers.Set, error) {
	return urlhandlers.Compile("options",
		[]urlhandlers.Config{{Type: "s3", Options: s3client.Options{DisableSSL: strictjson.Bool(a.options.disableSSL)}}}, client)
}

// writeAudit prints the problems and the summary, as text or one JSON
// document.
func writeAudit(w io.Writer, format string, r audit.Result) error {
	if format == formatJSON {
		return writeJSON(w, auditJSON(r))
	}
	var b strings.Builder
	for _, p := range r.Problems {
		if p.Role == audit.Upstream {
			b.WriteString("warning: ")
		}
		fmt.Fprintf(&b, "%s %s: %s %s: %s\n", p.Path, p.File, p.Role, p.URL, p.Detail)
	}
	b.WriteString(summary(r) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// summary is the audit's last line.
func summary(r audit.Result) string {
	line := fmt.Sprintf("verified %d versions, %d files, %d mirror copies: %d problems (%d missing, %d wrong, %d unreadable)",
		r.Versions, r.Files, r.Copies, r.MirrorProblems(), r.Count(audit.Missing), r.Count(audit.Wrong), r.Count(audit.Unreadable))
	if r.Upstreams == 0 {
		return line
	}
	return line + fmt.Sprintf("; %d upstream URLs: %d vanished, %d changed, %d unreachable",
		r.Upstreams, r.Count(audit.Vanished), r.Count(audit.Changed), r.Count(audit.Unreachable))
}

// auditJSON is the JSON document of --format json; its field names are
// the README's.
func auditJSON(r audit.Result) any {
	counts := map[audit.Kind]int{}
	for _, kind := range []audit.Kind{audit.Missing, audit.Wrong, audit.Unreadable, audit.Vanished, audit.Changed, audit.Unreachable} {
		counts[kind] = r.Count(kind)
	}
	return struct {
		audit.Result
		Counts map[audit.Kind]int `json:"counts"`
		OK     bool               `json:"ok"`
	}{Result: r, Counts: counts, OK: r.MirrorProblems() == 0}
}
