package meta4cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
)

func (a *app) filesCommands() []*cobra.Command {
	return []*cobra.Command{
		command("add-file NAME", "Add an empty file called NAME", 1, func(_ *cobra.Command, args []string) error {
			return a.document().Change(true, func(d *meta4ops.Document) error {
				_, err := d.AddFile(args[0])
				return err
			})
		}),
		command("remove-file NAME", "Remove the file called NAME", 1, func(_ *cobra.Command, args []string) error {
			return a.document().Change(false, func(d *meta4ops.Document) error { return d.RemoveFile(args[0]) })
		}),
		command("files", "Print the name of every file, one per line", 0, func(*cobra.Command, []string) error {
			d := a.document()
			if err := d.Read(false); err != nil {
				return err
			}
			for _, f := range d.Metalink.Files {
				if err := a.println(f.Name); err != nil {
					return err
				}
			}
			return nil
		}),
		a.checksumsCommand(),
	}
}

func (a *app) checksumsCommand() *cobra.Command {
	var typ string
	cmd := command("checksums [--type T]", "Print \"HASH  NAME\" lines, as sha256sum -c reads them", 0,
		func(*cobra.Command, []string) error {
			algo, err := checksums.Algorithm(typ)
			if err != nil {
				return err
			}
			d := a.document()
			if err := d.Read(false); err != nil {
				return err
			}
			for i := range d.Metalink.Files {
				f := &d.Metalink.Files[i]
				h := f.HashIndex(algo.Name)
				if h < 0 {
					a.console.Printf("warning: %s has no %s hash\n", f.Name, algo.Name)
					continue
				}
				if err := a.println(checksumLine(strings.ToLower(f.Hashes[h].Hash), f.Name)); err != nil {
					return err
				}
			}
			return nil
		})
	cmd.Flags().StringVar(&typ, "type", "sha-256", "hash type: sha-512, sha-256, sha-1 or md5")
	return cmd
}

// checksumLine is a GNU checksum line; a name holding a line break or a
// backslash is escaped as sha256sum escapes it, so that -c reads it back.
func checksumLine(digest, name string) string {
	if !strings.ContainsAny(name, "\\\n\r") {
		return fmt.Sprintf("%s  %s", digest, name)
	}
	escaped := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`).Replace(name)
	return fmt.Sprintf(`\%s  %s`, digest, escaped)
}
