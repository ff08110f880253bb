package meta4cmd

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/smallfile"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

func (a *app) fileCommands() []*cobra.Command {
	return append(a.fileReadCommands(), a.fileEditCommands()...)
}

// fileReadCommands print what the document says of the file.
func (a *app) fileReadCommands() []*cobra.Command {
	return []*cobra.Command{
		a.fileInfoCommand(),
		reading(command("file-hash TYPE", "Print the file's hash of TYPE (e.g. sha-256)", 1, func(_ *cobra.Command, args []string) error {
			return a.printFile(func(f *metalink.File) (string, error) { return meta4ops.FileHash(*f, args[0]) })
		}), "TYPE is spelt in any common way (sha256, SHA-256); one that is no hash type at all is an error."),
		reading(command("file-hashes", "Print the file's hashes, \"TYPE HASH\" per line", 0, func(*cobra.Command, []string) error {
			return a.printFile(func(f *metalink.File) (string, error) { return strings.Join(meta4ops.HashLines(*f), "\n"), nil })
		}), ""),
		reading(command("file-version", "Print the file's version", 0, func(*cobra.Command, []string) error {
			return a.printFile(func(f *metalink.File) (string, error) { return f.Version, nil })
		}), ""),
		reading(command("file-size", "Print the file's size in bytes", 0, func(*cobra.Command, []string) error {
			return a.printFile(func(f *metalink.File) (string, error) { return meta4ops.SizeText(f.Size), nil })
		}), "A size of 0 counts as none: a document cannot tell the two apart."),
		a.fileURLsCommand(),
	}
}

// fileEditCommands change the file.
func (a *app) fileEditCommands() []*cobra.Command {
	return []*cobra.Command{
		command("file-set-hash TYPE HASH", "Set the file's hash of TYPE", 2, func(_ *cobra.Command, args []string) error {
			algo, err := checksums.Algorithm(args[0])
			if err != nil {
				return err
			}
			h, err := meta4ops.Digest(algo, args[1])
			if err != nil {
				return err
			}
			return a.changeFile(func(f *metalink.File) error {
				f.SetHash(h)
				return nil
			})
		}),
		command("file-set-size N", "Set the file's size in bytes", 1, func(_ *cobra.Command, args []string) error {
			size, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("size %q is not a number of bytes", args[0])
			}
			return a.changeFile(func(f *metalink.File) error {
				f.Size = size
				return nil
			})
		}),
		command("file-set-version V", "Set the file's version", 1, func(_ *cobra.Command, args []string) error {
			return a.changeFile(func(f *metalink.File) error {
				f.Version = args[0]
				return nil
			})
		}),
		a.fileSetURLCommand(),
		command("file-remove-url URL", "Remove URL from the file", 1, func(_ *cobra.Command, args []string) error {
			return a.changeFile(func(f *metalink.File) error {
				if !f.RemoveURL(args[0]) {
					return fmt.Errorf("%s has no URL %s", f.Name, args[0])
				}
				return nil
			})
		}),
		a.fileSetSignatureCommand(),
	}
}

func (a *app) fileSetSignatureCommand() *cobra.Command {
	var add bool
	cmd := command("file-set-signature [--add] MEDIA-TYPE FILE|-",
		"Set the file's signature from FILE, or stdin for -; with --add, add it beside the file's others", 2,
		func(_ *cobra.Command, args []string) error { return a.setSignature(args[0], args[1], add) })
	cmd.Long = "Set the file's signature from FILE, or stdin for -. MEDIA-TYPE is one of " +
		strings.Join(metalink.SignatureTypes(), ", ") + ".\n" +
		"Without --add it replaces every signature the file has; with --add it is added after them (once)."
	cmd.Flags().BoolVar(&add, "add", false, "add the signature beside the file's others instead of replacing them")
	return cmd
}

// printFile prints what show says of the selected file.
func (a *app) printFile(show func(f *metalink.File) (string, error)) error {
	f, err := a.readFile()
	if err != nil {
		return err
	}
	text, err := show(f)
	if err != nil {
		return err
	}
	return a.printData(text)
}

// urlFlags are --location and --priority of the URL a command records.
type urlFlags struct {
	location string
	priority uint
}

func (u *urlFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&u.location, "location", "", "ISO 3166-1 alpha-2 country code of the URL")
	cmd.Flags().UintVar(&u.priority, "priority", 0, "priority of the URL, 1 to 999999 (lower is preferred; default none)")
}

func (u *urlFlags) url(rawURL string) (metalink.URL, error) {
	entry := metalink.URL{URL: rawURL, Location: u.location}
	if u.priority == 0 { // the flag's default: none
		return entry, nil
	}
	p := u.priority
	if err := metalink.CheckPriority(&p); err != nil {
		return entry, fmt.Errorf("--priority %w", err)
	}
	entry.Priority = &p
	return entry, nil
}

func (a *app) fileSetURLCommand() *cobra.Command {
	var flags urlFlags
	cmd := command("file-set-url [--location CC] [--priority N] URL", "Add URL to the file, or change its location and priority", 1,
		func(_ *cobra.Command, args []string) error {
			entry, err := flags.url(args[0])
			if err != nil {
				return err
			}
			return a.changeFile(func(f *metalink.File) error {
				f.SetURL(entry)
				return nil
			})
		})
	flags.register(cmd)
	return cmd
}

func (a *app) setSignature(mediaType, from string, add bool) error {
	sig := metalink.Signature{MediaType: mediaType}
	if _, err := sig.Kind(); err != nil {
		return err
	}
	data, _, err := smallfile.Read(from, a.streams.Stdin, verify.MaxSignatureSize)
	if err != nil {
		return fmt.Errorf("read the signature: %w", err)
	}
	sig.Signature = string(data)
	return a.changeFile(func(f *metalink.File) error {
		if !add {
			f.Signatures = nil
		}
		f.AddSignature(sig)
		return nil
	})
}
