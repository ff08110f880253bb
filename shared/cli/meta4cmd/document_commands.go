package meta4cmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

func (a *app) documentCommands() []*cobra.Command {
	return []*cobra.Command{
		command("create", "Create an empty document; fails if it exists", 0, func(*cobra.Command, []string) error {
			return meta4ops.CreateDocument(a.metalink)
		}),
		command("set-published TIME", "Set when the document was published (RFC 3339, e.g. 2009-05-15T12:23:23Z)", 1,
			func(_ *cobra.Command, args []string) error {
				return a.setTime(args[0], func(m *metalink.Metalink, t *time.Time) { m.Published = t })
			}),
		command("set-updated TIME", "Set when the document was last updated (RFC 3339)", 1,
			func(_ *cobra.Command, args []string) error {
				return a.setTime(args[0], func(m *metalink.Metalink, t *time.Time) { m.Updated = t })
			}),
		a.setOriginCommand(),
		a.infoCommand(),
	}
}

func (a *app) setTime(text string, set func(*metalink.Metalink, *time.Time)) error {
	t, err := time.Parse(time.RFC3339, text)
	if err != nil {
		return fmt.Errorf("TIME %q is not an RFC 3339 time such as 2009-05-15T12:23:23Z", text)
	}
	return a.document().Change(false, func(d *meta4ops.Document) error {
		set(&d.Metalink, &t)
		return nil
	})
}

func (a *app) setOriginCommand() *cobra.Command {
	var dynamic bool
	cmd := command("set-origin [--dynamic] URL", "Set where the document itself is published", 1,
		func(_ *cobra.Command, args []string) error {
			return a.document().Change(false, func(d *meta4ops.Document) error {
				d.Metalink.Origin = &metalink.Origin{Dynamic: dynamic, URL: args[0]}
				return nil
			})
		})
	cmd.Flags().BoolVar(&dynamic, "dynamic", false, "the document at URL changes: clients should refresh it")
	return cmd
}
