package meta4cmd

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// handlers give s3:// URLs the SDK's default credential chain (AWS_*
// variables, shared config, roles; anonymous when it finds nothing) and
// opts (--disable-ssl and, for file-upload, the upload flags); every request
// goes through the client of the network flags.
func (a *app) handlers(opts s3client.Options) (*urlhandlers.Set, error) {
	client, err := a.networkClient()
	if err != nil {
		return nil, err
	}
	return urlhandlers.Compile("options", []urlhandlers.Config{{Type: "s3", Options: opts}}, client)
}

// downloadOptions configure a download as the resources' get step does.
func (a *app) downloadOptions(v verify.Options) (download.Options, error) {
	handlers, err := a.handlers(s3client.Options{DisableSSL: strictjson.Bool(a.disableSSL)})
	if err != nil {
		return download.Options{}, err
	}
	return download.Options{Reader: handlers.Router(), Verify: v, Progress: a.console, Report: a.console}, nil
}

// verification are the flags of file-download and file-verify.
type verification struct {
	skipHash      bool
	skipSignature bool
	trust         cli.TrustFlags
}

func (v *verification) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&v.skipHash, "skip-hash-verification", false, "do not check hashes or pieces (the size is still checked)")
	cmd.Flags().BoolVar(&v.skipSignature, "skip-signature-verification", false, "do not check the signature")
	v.trust.Register(cmd.Flags())
}

func (v *verification) options(stdin io.Reader) (verify.Options, error) {
	opts := verify.Options{SkipHash: v.skipHash, SkipSignature: v.skipSignature, Names: flagNames}
	trust, err := v.trust.Trust(stdin, flagNames)
	if err != nil {
		return opts, err
	}
	opts.Trust = trust
	return opts, nil
}

func (a *app) fileDownloadCommand() *cobra.Command {
	var v verification
	cmd := &cobra.Command{
		Use:   "file-download [flags] PATH",
		Short: "Download the file from its URLs, verified, to PATH (or into PATH when it is a directory)",
		Long: "Download the file from its URLs in priority order, verifying size, hashes, pieces and signature while\n" +
			"it streams, into a temporary name beside PATH that is renamed to PATH only once verified. Transient\n" +
			"failures are retried and resumed; a failing mirror is left for the next URL. Progress goes to stderr.\n" +
			"A PATH that is a directory, or that ends in / (created when missing), receives the file under its\n" +
			"own name. Nothing is written outside that directory: a symlink in it that leads out is refused.\n\n" +
			"Without --file, a document of several files has them all downloaded into the directory PATH, several\n" +
			"at once as in does (at most 6 connections to one host:port), each under its own name, none moved\n" +
			"to its name before every one verified.",
		Args: cli.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, get, err := a.checkedFiles(v)
			if err != nil {
				return err
			}
			if len(files) > 1 {
				return meta4ops.DownloadAll(cmd.Context(), files, args[0], get)
			}
			return meta4ops.Download(cmd.Context(), files[0], args[0], get)
		},
	}
	v.register(cmd)
	a.registerDisableSSL(cmd)
	return cmd
}

// checkedFile is the selected file and the download options that check it
// as the flags v say.
func (a *app) checkedFile(v verification) (*metalink.File, download.Options, error) {
	files, get, err := a.checked(v, false)
	if err != nil {
		return nil, get, err
	}
	return &files[0], get, nil
}

// checkedFiles is the file --file names, or every file of the document
// without --file, and the download options that check them.
func (a *app) checkedFiles(v verification) ([]metalink.File, download.Options, error) {
	return a.checked(v, a.fileName == "")
}

func (a *app) checked(v verification, all bool) ([]metalink.File, download.Options, error) {
	opts, err := v.options(a.streams.Stdin)
	if err != nil {
		return nil, download.Options{}, err
	}
	d := a.document()
	if err := d.Read(false); err != nil {
		return nil, download.Options{}, err
	}
	files := d.Metalink.Files
	if !all || len(files) < 2 {
		// The selected file, or the error that says none is.
		f, err := d.File(a.fileName)
		if err != nil {
			return nil, download.Options{}, err
		}
		files = []metalink.File{*f}
	}
	get, err := a.downloadOptions(opts)
	return files, get, err
}

func (a *app) fileVerifyCommand() *cobra.Command {
	var v verification
	cmd := &cobra.Command{
		Use:   "file-verify [flags] PATH",
		Short: "Verify a local file against the file's size, hashes, pieces and signature",
		Args:  cli.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, get, err := a.checkedFile(v)
			if err != nil {
				return err
			}
			report, err := meta4ops.Verify(cmd.Context(), *f, args[0], get)
			for _, line := range report {
				a.console.Printf("%s\n", line)
			}
			return err
		},
	}
	v.register(cmd)
	return cmd
}
