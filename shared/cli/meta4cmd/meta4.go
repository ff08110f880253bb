// Package meta4cmd is the meta4 command-line tool: it creates, reads,
// changes and uses one metalink document (--metalink) with the shared
// packages that the resources use, so that a document a script builds is
// read, verified and downloaded exactly as the resources will.
//
// Its commands only turn flags into the typed options of meta4ops, whose
// functions do the work, and print what they return.
package meta4cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// DefaultMetalink is the document used without --metalink.
const DefaultMetalink = "metalink.meta4"

// secretVariables are environment variables whose values never appear in
// what meta4 prints.
var secretVariables = []string{"GITHUB_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}

type app struct {
	streams    cli.Streams
	console    *cli.Console
	metalink   string // --metalink
	fileName   string // --file
	disableSSL bool   // --disable-ssl, of the commands that reach S3
	network    cli.Network
	client     *network.Client // built from network on first use
}

// New builds the meta4 command tree on streams, and the console its
// errors are printed on.
func New(streams cli.Streams) (*cobra.Command, *cli.Console) {
	a := &app{streams: streams, console: streams.Console(secretVariables)}
	root := &cobra.Command{
		Use:   "meta4",
		Short: "Create, inspect, change and use a metalink document",
		Long: "meta4 works on one metalink document, " + DefaultMetalink + " unless --metalink names another.\n" +
			"It reads JSON or XML and always writes meta4 XML, atomically. Commands that take a file\n" +
			"work on the one --file names, or on the only file of the document.",
	}
	root.PersistentFlags().StringVar(&a.metalink, "metalink", DefaultMetalink, "the metalink document")
	root.PersistentFlags().StringVar(&a.metalink, "metalink-file", DefaultMetalink, "alias of --metalink")
	root.PersistentFlags().StringVar(&a.fileName, "file", "", "the file of the document to work on (default: its only file)")
	root.AddCommand(a.documentCommands()...)
	root.AddCommand(a.filesCommands()...)
	root.AddCommand(a.fileCommands()...)
	root.AddCommand(a.recordCommands()...)
	root.AddCommand(a.importCommands()...)
	root.AddCommand(a.fileDownloadCommand(), a.fileVerifyCommand(), a.fileUploadCommand())
	cli.Prepare(root, streams)
	return root, a.console
}

func (a *app) registerDisableSSL(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&a.disableSSL, "disable-ssl", false, "reach s3:// endpoints over plain http (local servers only)")
	a.network.Register(cmd.Flags())
}

// networkClient is the client of the network flags, built once per run so
// that the warning of --skip-ssl-verification is printed once.
func (a *app) networkClient() (*network.Client, error) {
	if a.client == nil {
		client, err := a.network.Client(a.console)
		if err != nil {
			return nil, err
		}
		a.client = client
	}
	return a.client, nil
}

// document is the document --metalink names.
func (a *app) document() *meta4ops.Document {
	return &meta4ops.Document{Path: a.metalink, Names: flagNames}
}

// readFile reads the document and selects the file --file names.
func (a *app) readFile() (*metalink.File, error) {
	d := a.document()
	if err := d.Read(false); err != nil {
		return nil, err
	}
	return d.File(a.fileName)
}

// changeFile applies edit to the file --file names, and saves the document.
func (a *app) changeFile(edit func(f *metalink.File) error) error {
	return a.document().ChangeFile(a.fileName, edit)
}

// flagNames say the library's options as the flags that set them:
// skip_hash_verification is --skip-hash-verification.
func flagNames(option string) string {
	return "--" + strings.ReplaceAll(option, "_", "-")
}

// command is a cobra command taking exactly n arguments.
func command(use, short string, n int, run func(cmd *cobra.Command, args []string) error) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cli.Args(cobra.ExactArgs(n)), RunE: run}
}

// printData writes what a read command answers to stdout, with the
// userinfo of its URLs hidden, and nothing for an answer of nothing.
func (a *app) printData(text string) error {
	if text == "" {
		return nil
	}
	return a.println(redact.String(text))
}

// println writes one line of data to stdout.
func (a *app) println(text string) error {
	_, err := fmt.Fprintln(a.streams.Stdout, text)
	return err
}
