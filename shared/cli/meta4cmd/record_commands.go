package meta4cmd

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// recordCommands read and write what a file is and why it is kept: the
// records out writes from its params, set by hand.
func (a *app) recordCommands() []*cobra.Command {
	return []*cobra.Command{
		command("set-description TEXT", "Describe every file of the document: what it is, why it is kept", 1, func(_ *cobra.Command, args []string) error {
			if err := metalink.CheckRecord(args[0]); err != nil {
				return fmt.Errorf("description: %w", err)
			}
			return a.document().Change(false, func(d *meta4ops.Document) error {
				for i := range d.Metalink.Files {
					d.Metalink.Files[i].Description = args[0]
				}
				return nil
			})
		}),
		command("file-set-identity NAME", "Set the name of the product the file belongs to", 1, func(_ *cobra.Command, args []string) error {
			if err := metalink.CheckRecord(args[0]); err != nil {
				return fmt.Errorf("identity: %w", err)
			}
			return a.changeFile(func(f *metalink.File) error {
				f.Identity = args[0]
				return nil
			})
		}),
		a.namedLinkCommand("file-set-license [--url URL] NAME", "Set the file's licence (an SPDX identifier is a good NAME)",
			func(f *metalink.File, name, url string) { f.License = &metalink.License{Name: name, URL: url} }),
		a.namedLinkCommand("file-set-publisher [--url URL] NAME", "Set who publishes the file upstream",
			func(f *metalink.File, name, url string) { f.Publisher = &metalink.Publisher{Name: name, URL: url} }),
		reading(command("file-description", "Print the file's description", 0, func(*cobra.Command, []string) error {
			return a.printFile(func(f *metalink.File) (string, error) { return f.Description, nil })
		}), ""),
		reading(command("file-identity", "Print the name of the product the file belongs to", 0, func(*cobra.Command, []string) error {
			return a.printFile(func(f *metalink.File) (string, error) { return f.Identity, nil })
		}), ""),
		reading(command("file-license", "Print the file's licence: its name, then its URL on a line of its own", 0, func(*cobra.Command, []string) error {
			return a.printFile(func(f *metalink.File) (string, error) { return namedLink((*metalink.Publisher)(f.License)), nil })
		}), ""),
		reading(command("file-publisher", "Print who publishes the file: the name, then the URL on a line of its own", 0, func(*cobra.Command, []string) error {
			return a.printFile(func(f *metalink.File) (string, error) { return namedLink(f.Publisher), nil })
		}), ""),
	}
}

// namedLinkCommand sets a licence or a publisher: a name and a --url.
func (a *app) namedLinkCommand(use, short string, set func(f *metalink.File, name, url string)) *cobra.Command {
	var link string
	cmd := command(use, short, 1, func(_ *cobra.Command, args []string) error {
		field, err := metalink.CheckNamedLink(args[0], link)
		switch {
		case errors.Is(err, metalink.ErrRequired):
			return errors.New("NAME is required")
		case err != nil && field == "url":
			return fmt.Errorf("--url %w", err)
		case err != nil:
			return fmt.Errorf("NAME: %w", err)
		}
		return a.changeFile(func(f *metalink.File) error {
			set(f, args[0], link)
			return nil
		})
	})
	cmd.Flags().StringVar(&link, "url", "", "where to read more (http or https)")
	return cmd
}

// namedLink is a name, and its URL on a line of its own when there is one.
func namedLink(p *metalink.Publisher) string {
	switch {
	case p == nil:
		return ""
	case p.URL == "":
		return p.Name
	}
	return p.Name + "\n" + p.URL
}
