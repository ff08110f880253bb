package gitrepo

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	hostkeydb "github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// newAuth returns how to authenticate to loc: basic auth for http(s), a key
// for ssh, nothing for file:// and git://.
func newAuth(loc location, s settings, tempDir string, stderr io.Writer) (transport.AuthMethod, error) {
	switch loc.scheme {
	case "http", "https":
		return basicAuth(loc, s), nil
	case "ssh":
		return sshAuth(loc, s, tempDir, stderr)
	default:
		return nil, nil
	}
}

// basicAuth prefers the uri's userinfo and fills what it lacks from the
// username/password options.
func basicAuth(loc location, s settings) transport.AuthMethod {
	user, password := loc.user, loc.password
	if user == "" {
		user = s.username
	}
	if password == "" {
		password = s.password
	}
	if user == "" && password == "" {
		return nil
	}
	return &githttp.BasicAuth{Username: user, Password: password}
}

func sshAuth(loc location, s settings, tempDir string, stderr io.Writer) (transport.AuthMethod, error) {
	if s.privateKey == "" {
		return nil, s.names.Required("options.private_key", " for git+ssh")
	}
	keys, err := gitssh.NewPublicKeys(loc.user, []byte(s.privateKey), s.privateKeyPassphrase)
	if err != nil {
		return nil, s.names.Errorf("options.private_key", "%w", err)
	}
	if s.knownHosts == "" {
		_, _ = fmt.Fprintf(stderr, "warning: ssh host key of %s is not checked: set %s to check it\n", loc.hostPort, s.names.Of("options.known_hosts"))
		keys.HostKeyCallback = ssh.InsecureIgnoreHostKey()
		return keys, nil
	}
	db, err := knownHostsDB(s.knownHosts, tempDir)
	if err != nil {
		return nil, s.names.Errorf("options.known_hosts", "%w", err)
	}
	keys.HostKeyCallback = db.HostKeyCallback()
	// Offer only the key types known_hosts lists for this host, so a server
	// with several host keys presents one we can check.
	keys.HostKeyAlgorithms = db.HostKeyAlgorithms(loc.hostPort)
	return keys, nil
}

// knownHostsDB loads known_hosts text; the library reads only files, so the
// text goes through a private temporary file that is removed at once.
func knownHostsDB(text, tempDir string) (*hostkeydb.HostKeyDB, error) {
	file, err := os.CreateTemp(tempDir, "known_hosts-*")
	if err != nil {
		return nil, err
	}
	// The file holds public host keys only: one left behind in tempDir harms nothing.
	defer func() { _ = os.Remove(file.Name()) }()
	_, writeErr := io.WriteString(file, text+"\n")
	if closeErr := file.Close(); writeErr == nil {
		writeErr = closeErr
	}
	if writeErr != nil {
		return nil, writeErr
	}
	return gitssh.NewKnownHostsDb(file.Name())
}

// describeHostKeyError turns a known_hosts rejection into a sentence; other
// errors come back unchanged.
func describeHostKeyError(err error, hostPort, knownHosts string) error {
	var keyErr *knownhosts.KeyError
	if !errors.As(err, &keyErr) {
		return err
	}
	if len(keyErr.Want) == 0 {
		return fmt.Errorf("ssh host %s is not listed in %s: %w", hostPort, knownHosts, err)
	}
	return fmt.Errorf("ssh host key of %s does not match %s: %w", hostPort, knownHosts, err)
}
