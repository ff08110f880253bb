package meta4cmd

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/smallfile"
)

// maxSignature bounds a signature file: armored detached signatures are
// well under a kilobyte.
const maxSignature = 1 << 20

func (a *app) fileCommands() []*cobra.Command {
	return append(a.fileReadCommands(), a.fileEditCommands()...)
}

// fileReadCommands print what the document says of the file.
func (a *app) fileReadCommands() []*cobra.Command {
	return []*cobra.Command{
		command("file-hash TYPE", "Print the file's hash of TYPE (e.g. sha-256)", 1, func(_ *cobra.Command, args []string) error {
			return a.printFile(func(f *metalink.File) (string, error) { return fileHash(f, args[0]) })
		}),
		command("file-hashes", "Print the file's hashes, \"TYPE HASH\" per line", 0, func(*cobra.Command, []string) error {
			return a.printFile(func(f *metalink.File) (string, error) {
				lines := make([]string, len(f.Hashes))
				for i, h := range f.Hashes {
					lines[i] = h.Type + " " + h.Hash
				}
				return strings.Join(lines, "\n"), nil
			})
		}),
		command("file-version", "Print the file's version", 0, func(*cobra.Command, []string) error {
			return a.printFile(func(f *metalink.File) (string, error) {
				if f.Version == "" {
					return "", fmt.Errorf("%s has no version", f.Name)
				}
				return f.Version, nil
			})
		}),
		command("file-urls", "Print the file's URLs, one per line", 0, func(*cobra.Command, []string) error {
			return a.printFile(func(f *metalink.File) (string, error) {
				lines := make([]string, len(f.URLs))
				for i, u := range f.URLs {
					lines[i] = redact.String(u.URL)
				}
				return strings.Join(lines, "\n"), nil
			})
		}),
	}
}

// fileHash is f's digest of typ, spelt in any common way (sha256, SHA-256);
// an unknown type is named as such rather than as a hash f lacks.
func fileHash(f *metalink.File, typ string) (string, error) {
	if i := f.HashIndex(metalink.HashType(typ)); i >= 0 {
		return strings.ToLower(f.Hashes[i].Hash), nil
	}
	algo, err := checksums.Algorithm(typ)
	if err != nil {
		return "", err
	}
	return "", fmt.Errorf("%s has no %s hash", f.Name, algo.Name)
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
		command("file-set-signature MEDIA-TYPE FILE|-", "Set the file's detached signature from FILE, or stdin for -", 2,
			func(_ *cobra.Command, args []string) error { return a.setSignature(args[0], args[1]) }),
	}
}

// printFile prints what show says of the selected file, when it says something.
func (a *app) printFile(show func(f *metalink.File) (string, error)) error {
	f, err := a.readFile()
	if err != nil {
		return err
	}
	text, err := show(f)
	if err != nil || text == "" {
		return err
	}
	return a.println(text)
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
	if u.priority > 999999 {
		return entry, fmt.Errorf("--priority %d is out of range 1 to 999999", u.priority)
	}
	if u.priority > 0 {
		p := u.priority
		entry.Priority = &p
	}
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

func (a *app) setSignature(mediaType, from string) error {
	data, _, err := smallfile.Read(from, a.streams.Stdin, maxSignature)
	if err != nil {
		return fmt.Errorf("read the signature: %w", err)
	}
	return a.changeFile(func(f *metalink.File) error {
		f.Signature = &metalink.Signature{MediaType: mediaType, Signature: string(data)}
		return nil
	})
}
