package cli_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/lockedbuffer"
)

// tool is a root with one command, "say", that logs its argument and fails
// with it when it starts with "fail".
func tool(stdout, stderr *lockedbuffer.Buffer) (*cobra.Command, *cli.Console) {
	streams := cli.Streams{Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr, Getenv: func(string) string { return "" }}
	console := cli.NewConsole(stderr)
	console.Hide("hunter2-secret")
	root := &cobra.Command{Use: "tool"}
	root.AddCommand(&cobra.Command{
		Use:  "say WORDS",
		Args: cli.Args(cobra.ExactArgs(1)),
		RunE: func(_ *cobra.Command, args []string) error {
			console.Printf("log: %s\n", args[0])
			if strings.HasPrefix(args[0], "fail") {
				return errors.New(args[0] + "\nsecond line")
			}
			_, err := fmt.Fprintln(stdout, args[0])
			return err
		},
	})
	cli.Prepare(root, streams)
	return root, console
}

func run(args ...string) (code int, stdout, stderr string) {
	var out, errs lockedbuffer.Buffer
	root, console := tool(&out, &errs)
	code = cli.Run(context.Background(), root, args, console)
	return code, out.String(), errs.String()
}

var _ = Describe("Run", func() {
	It("passes data on stdout and logs on stderr, with secrets hidden", func() {
		code, stdout, stderr := run("say", "use the key, not hunter2-secret")
		Expect(code).To(Equal(cli.ExitOK))
		Expect(stdout).To(Equal("use the key, not hunter2-secret\n"))
		Expect(stderr).To(Equal("log: use the key, not [redacted]\n"))
	})

	It("prints an error as one redacted line and exits 1", func() {
		code, _, stderr := run("say", "fail: https://user:pw@host/ hunter2-secret")
		Expect(code).To(Equal(cli.ExitError))
		Expect(stderr).To(HaveSuffix("\ntool say: fail: https://[redacted]@host/ [redacted] second line\n"))
	})

	DescribeTable("exits 2 with the usage when called wrongly",
		func(args []string, line string) {
			code, stdout, stderr := run(args...)
			Expect(code).To(Equal(cli.ExitUsage))
			Expect(stdout).To(BeEmpty())
			Expect(stderr).To(HavePrefix(line + "\nUsage:\n"))
		},
		Entry("arguments", []string{"say"}, "tool say: accepts 1 arg(s), received 0"),
		Entry("a flag", []string{"say", "--loud", "x"}, "tool say: unknown flag: --loud"),
		Entry("a command", []string{"shout"}, `tool: unknown command "shout" for "tool"`),
		Entry("nothing", []string{}, "tool: a command is required"),
	)

	It("answers help on stdout and has a version command", func() {
		code, stdout, _ := run("say", "--help")
		Expect(code).To(Equal(cli.ExitOK))
		Expect(stdout).To(ContainSubstring("Usage:\n  tool say WORDS"))
		code, stdout, _ = run("version")
		Expect(code).To(Equal(cli.ExitOK))
		Expect(stdout).To(HavePrefix("tool "))
	})
})

var _ = Describe("EnvDefaults", func() {
	It("sets flags the command line left unset from PREFIX_FLAG_NAME", func() {
		cmd := &cobra.Command{Use: "x"}
		name := cmd.Flags().String("known-hosts-file", "", "")
		other := cmd.Flags().String("author-name", "", "")
		Expect(cmd.Flags().Parse([]string{"--author-name", "cli"})).To(Succeed())
		env := map[string]string{"T_KNOWN_HOSTS_FILE": "/k", "T_AUTHOR_NAME": "env"}
		Expect(cli.EnvDefaults(cmd.Flags(), "T_", func(k string) string { return env[k] })).To(Succeed())
		Expect(*name).To(Equal("/k"))
		Expect(*other).To(Equal("cli"))
	})

	It("names the variable whose value the flag refuses", func() {
		cmd := &cobra.Command{Use: "x"}
		cmd.Flags().Uint("rebase", 3, "")
		err := cli.EnvDefaults(cmd.Flags(), "T_", func(k string) string { return map[string]string{"T_REBASE": "many"}[k] })
		Expect(err).To(MatchError(ContainSubstring("$T_REBASE: ")))
		Expect(errors.As(err, new(cli.UsageError))).To(BeTrue())
	})
})
