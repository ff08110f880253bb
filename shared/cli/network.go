package cli

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/smallfile"
)

// maxCertificateFile bounds a --ca-cert file: a bundle of a few hundred
// certificates is well below it.
const maxCertificateFile = 4 << 20

// Network are the flags of the commands that make requests, the tools'
// spelling of the resources' ca_certs, skip_ssl_verification and debug.
type Network struct {
	caCerts    []string
	skipVerify bool
	debug      bool
}

// Register adds --ca-cert, --skip-ssl-verification and --debug to flags.
func (n *Network) Register(flags *pflag.FlagSet) {
	flags.StringArrayVar(&n.caCerts, "ca-cert", nil, "PEM file of CA certificates trusted beside the system's (repeatable)")
	flags.BoolVar(&n.skipVerify, "skip-ssl-verification", false, "do not check TLS certificates (a warning says so)")
	flags.BoolVar(&n.debug, "debug", false, "log every request on stderr: method, URL without secrets, status, bytes, time")
}

// Client reads the --ca-cert files and builds the client every request of
// the command goes through; its warning and debug lines go to log.
func (n *Network) Client(log io.Writer) (*network.Client, error) {
	var bundle []byte
	for _, path := range n.caCerts {
		data, _, err := smallfile.Read(path, nil, maxCertificateFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-cert: %w", err)
		}
		if err := network.CheckCertificates(string(data)); err != nil {
			return nil, fmt.Errorf("--ca-cert %s: %w", path, err)
		}
		bundle = network.AppendBundle(bundle, string(data))
	}
	opts := network.Options{CABundle: bundle, SkipVerify: n.skipVerify}
	if n.debug {
		opts.Debug = log
	}
	if n.skipVerify {
		network.WarnUnverified(log, "--skip-ssl-verification")
	}
	return network.New(opts)
}
