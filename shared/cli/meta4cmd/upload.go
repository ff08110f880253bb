package meta4cmd

import (
	"errors"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// s3Upload are file-upload's flags for an s3:// URI, the S3 options a
// mirror_files destination takes from url_handlers.
type s3Upload struct {
	flags                                              *pflag.FlagSet
	encryption, kmsKeyID, storageClass, acl, pathStyle string
}

// s3UploadFlags name the flags by their S3 option.
var s3UploadFlags = []struct{ option, flag string }{
	{"server_side_encryption", "server-side-encryption"},
	{"sse_kms_key_id", "sse-kms-key-id"},
	{"storage_class", "storage-class"},
	{"acl", "acl"},
	{"use_path_style", "use-path-style"},
}

func (u *s3Upload) register(flags *pflag.FlagSet) {
	u.flags = flags
	flags.StringVar(&u.encryption, "server-side-encryption", "", "s3: AES256, aws:kms or aws:kms:dsse")
	flags.StringVar(&u.kmsKeyID, "sse-kms-key-id", "", "s3: the KMS key of aws:kms or aws:kms:dsse")
	flags.StringVar(&u.storageClass, "storage-class", "", "s3: e.g. STANDARD_IA, GLACIER_IR")
	flags.StringVar(&u.acl, "acl", "", "s3: a canned ACL, e.g. bucket-owner-full-control")
	flags.StringVar(&u.pathStyle, "use-path-style", "", "s3: true or false (default: path-style for custom endpoints, virtual-hosted for AWS)")
}

// names say the S3 options as the flags that set them.
func (u *s3Upload) names(option string) string {
	for _, f := range s3UploadFlags {
		if f.option == option {
			return cli.Origin(u.flags, f.flag)
		}
	}
	return option
}

// options checks the flags with s3client's checks of the resource's S3
// options, so that a bad value is refused alike.
func (u *s3Upload) options(disableSSL bool) (s3client.Options, error) {
	opts := s3client.Options{DisableSSL: strictjson.Bool(disableSSL), SSEKMSKeyID: u.kmsKeyID}
	var err error
	if opts.ServerSideEncryption, err = s3client.ParseEncryption(u.encryption); err != nil {
		return opts, u.invalid("server_side_encryption", u.encryption, err)
	}
	if opts.StorageClass, err = s3client.ParseStorageClass(u.storageClass); err != nil {
		return opts, u.invalid("storage_class", u.storageClass, err)
	}
	if opts.ACL, err = s3client.ParseCannedACL(u.acl); err != nil {
		return opts, u.invalid("acl", u.acl, err)
	}
	if u.flags.Changed("use-path-style") {
		pathStyle, err := strconv.ParseBool(u.pathStyle)
		if err != nil {
			return opts, u.invalid("use_path_style", u.pathStyle, errors.New("expected true or false"))
		}
		opts.UsePathStyle = new(strictjson.Bool(pathStyle))
	}
	return opts, opts.Validate(u.names)
}

// invalid is the error of a flag's value: --storage-class "COLD": expected …
func (u *s3Upload) invalid(option, value string, err error) error {
	return field.Names(u.names).ValueError(option, redact.Quote(value), err)
}

func (a *app) fileUploadCommand() *cobra.Command {
	var flags urlFlags
	var upload s3Upload
	cmd := command("file-upload [--location CC] [--priority N] PATH URI",
		"Copy the local file PATH to URI (s3://, file:// or ftp://), verified, and add URI to the file's URLs", 2,
		func(cmd *cobra.Command, args []string) error {
			s3, err := upload.options(a.disableSSL)
			if err != nil {
				return err
			}
			entry, err := flags.url(args[1])
			if err != nil {
				return err
			}
			handlers, err := a.handlers(s3)
			if err != nil {
				return err
			}
			opts := meta4ops.UploadOptions{File: a.fileName, Location: entry.Location, Priority: entry.Priority, Names: uriNames, Log: a.console}
			return meta4ops.Upload(cmd.Context(), a.document(), args[0], args[1], opts, handlers)
		})
	cmd.Long = "Copy PATH to URI as the resource's mirror_files do: s3://HOST[:PORT]/BUCKET/KEY (credentials from\n" +
		"the AWS SDK's default chain: AWS_* variables, shared config, roles), file:///ABS/PATH, or\n" +
		"ftp://[USER[:PASSWORD]@]HOST[:PORT]/PATH (anonymous without userinfo). The bytes are checked against\n" +
		"the file's hashes while they stream, and the copy becomes visible only once they match (an ftp copy is\n" +
		"stored under a temporary name and renamed); a destination that already holds the same bytes is not\n" +
		"written again (an ftp file of the right size is read back and hashed). A file without hashes gets its\n" +
		"size and hashes from this one read. The recorded URL is URI itself (s3:// for S3), without the\n" +
		"userinfo of an ftp URL: a download of it logs in anonymously."
	flags.register(cmd)
	upload.register(cmd.Flags())
	a.registerDisableSSL(cmd)
	return cmd
}

// uriNames say mirror's destination as file-upload's URI argument; mirror's
// errors quote the URI itself, without its userinfo.
func uriNames(string) string { return "URI" }
