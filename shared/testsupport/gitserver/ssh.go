package gitserver

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
)

// SSHServer is an in-process SSH server on 127.0.0.1 that authenticates
// public keys and serves "exec" requests for git-upload-pack and
// git-receive-pack by running the real git binaries on repositories under Root.
// Both the URL path form ("/org/repo.git") and the scp form ("org/repo.git")
// resolve relative to Root.
type SSHServer struct {
	Host    string // 127.0.0.1
	Port    int
	Root    string
	HostKey ssh.PublicKey

	config   *ssh.ServerConfig
	listener net.Listener
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	users []string
}

// StartSSH serves root until the test ends, accepting only the authorized keys.
func StartSSH(t TB, root string, authorized ...ssh.PublicKey) *SSHServer {
	t.Helper()
	hostKey := NewKey(t)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("gitserver: listen for ssh: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	server := &SSHServer{
		Host:     "127.0.0.1",
		Port:     listener.Addr().(*net.TCPAddr).Port,
		Root:     root,
		HostKey:  hostKey.Public,
		listener: listener,
		ctx:      ctx,
		cancel:   cancel,
		conns:    map[net.Conn]struct{}{},
	}
	server.config = &ssh.ServerConfig{PublicKeyCallback: server.authorize(authorized)}
	server.config.AddHostKey(hostKey.Signer)
	server.wg.Add(1)
	go server.acceptLoop()
	t.Cleanup(server.stop)
	return server
}

// Addr is host:port.
func (s *SSHServer) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// KnownHosts is a known_hosts line that trusts this server's host key.
func (s *SSHServer) KnownHosts() string { return KnownHostsLine(s.Host, s.Port, s.HostKey) }

// KnownHostsLine is a known_hosts line binding host:port to key.
func KnownHostsLine(host string, port int, key ssh.PublicKey) string {
	return fmt.Sprintf("[%s]:%d %s", host, port, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))))
}

// Users lists the user names of every authenticated connection so far.
func (s *SSHServer) Users() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.users...)
}

func (s *SSHServer) authorize(authorized []ssh.PublicKey) func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) {
	return func(meta ssh.ConnMetadata, offered ssh.PublicKey) (*ssh.Permissions, error) {
		for _, key := range authorized {
			if bytes.Equal(key.Marshal(), offered.Marshal()) {
				s.mu.Lock()
				s.users = append(s.users, meta.User())
				s.mu.Unlock()
				return &ssh.Permissions{}, nil
			}
		}
		return nil, errors.New("public key not authorized")
	}
}

// stop shuts the server down. Closing what it served is all there is left
// to do with the listener and the connections, so their errors are dropped.
func (s *SSHServer) stop() {
	s.cancel()
	_ = s.listener.Close()
	s.mu.Lock()
	for conn := range s.conns {
		_ = conn.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *SSHServer) acceptLoop() {
	defer s.wg.Done()
	for {
		conn, err := s.listener.Accept()
		if err != nil {
			return // listener closed by stop
		}
		if !s.track(conn) {
			_ = conn.Close() // stopping: refused
			return
		}
		s.wg.Add(1)
		go s.serveConn(conn)
	}
}

// track registers conn so that stop can close it; false once stopping.
func (s *SSHServer) track(conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ctx.Err() != nil {
		return false
	}
	s.conns[conn] = struct{}{}
	return true
}

func (s *SSHServer) serveConn(conn net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
		_ = conn.Close() // stop may have closed it already
	}()
	_, channels, requests, err := ssh.NewServerConn(conn, s.config)
	if err != nil {
		return // failed handshake: wrong key, or a client that rejected our host key
	}
	go ssh.DiscardRequests(requests)
	for newChannel := range channels {
		if newChannel.ChannelType() != "session" {
			// Fails only when the client is gone, which ends the loop.
			_ = newChannel.Reject(ssh.UnknownChannelType, "only sessions are served")
			continue
		}
		channel, channelRequests, err := newChannel.Accept()
		if err != nil {
			continue
		}
		s.wg.Add(1)
		go s.serveSession(channel, channelRequests)
	}
}

// serveSession answers a session's requests. Replies and the exit status
// fail only when the client is gone, and then there is no one left to tell:
// the client sees the broken session.
func (s *SSHServer) serveSession(channel ssh.Channel, requests <-chan *ssh.Request) {
	defer s.wg.Done()
	defer func() { _ = channel.Close() }()
	for request := range requests {
		switch request.Type {
		case "env":
			_ = request.Reply(true, nil) // GIT_PROTOCOL and friends: accepted, not needed
		case "exec":
			var payload struct{ Command string }
			if err := ssh.Unmarshal(request.Payload, &payload); err != nil {
				_ = request.Reply(false, nil)
				continue
			}
			_ = request.Reply(true, nil)
			status := s.runGit(channel, payload.Command)
			_, _ = channel.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{status}))
			return
		default:
			_ = request.Reply(false, nil)
		}
	}
}

// runGit runs the git service that command names with the channel as its
// stdio and returns its exit status.
func (s *SSHServer) runGit(channel ssh.Channel, command string) uint32 {
	cmd, stdin, err := s.startGit(channel, command)
	if err != nil {
		// The client shows this as the remote's message; one that is gone
		// cannot be told.
		_, _ = fmt.Fprintf(channel.Stderr(), "gitserver: %v\n", err)
		return 1
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		// This ends when git exits without reading it all or the client
		// closes its side; either way git's exit status tells what happened.
		_, _ = io.Copy(stdin, channel)
		_ = stdin.Close()
	}()
	if err := cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) && exitErr.ExitCode() > 0 {
			return uint32(exitErr.ExitCode())
		}
		return 1
	}
	return 0
}

// startGit starts the git service that command names with the channel as its
// stdout and stderr, and returns the pipe to its stdin.
func (s *SSHServer) startGit(channel ssh.Channel, command string) (*exec.Cmd, io.WriteCloser, error) {
	service, repoPath, err := s.parseCommand(command)
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(s.ctx, "git", service, repoPath)
	cmd.Env = IsolatedGitEnv()
	cmd.Stdout = channel
	cmd.Stderr = channel.Stderr()
	// A manual stdin pipe: exec would otherwise wait for the client to close
	// its side, and the client waits for our exit status.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start git %s: %w", service, err)
	}
	return cmd, stdin, nil
}

// parseCommand turns "git-upload-pack '/org/repo.git'" into the git
// sub-command and the repository's path under Root.
func (s *SSHServer) parseCommand(command string) (service, repoPath string, err error) {
	name, argument, found := strings.Cut(command, " ")
	if !found {
		return "", "", fmt.Errorf("unsupported command %q", command)
	}
	if name == "git" {
		name, argument, _ = strings.Cut(argument, " ")
		name = "git-" + name
	}
	switch name {
	case "git-upload-pack", "git-receive-pack":
		service = strings.TrimPrefix(name, "git-")
	default:
		return "", "", fmt.Errorf("unsupported command %q", name)
	}
	relative := strings.TrimPrefix(strings.TrimPrefix(shellUnquote(argument), "~"), "/")
	relative = filepath.Clean(filepath.FromSlash(relative))
	if !filepath.IsLocal(relative) {
		return "", "", fmt.Errorf("repository path %q is outside the served root", argument)
	}
	return service, filepath.Join(s.Root, relative), nil
}

// shellUnquote undoes the single-quote quoting git clients put around the path.
func shellUnquote(argument string) string {
	argument = strings.TrimSpace(argument)
	if len(argument) < 2 || argument[0] != '\'' || argument[len(argument)-1] != '\'' {
		return argument
	}
	inner := argument[1 : len(argument)-1]
	inner = strings.ReplaceAll(inner, `'\''`, `'`)
	return strings.ReplaceAll(inner, `'\!'`, `!`)
}

// Key is an ed25519 key pair for SSH.
type Key struct {
	PrivatePEM string // OpenSSH private key, as a pipeline would put it in options.private_key
	Public     ssh.PublicKey
	Signer     ssh.Signer
}

// NewKey generates an unencrypted key pair.
func NewKey(t TB) *Key {
	t.Helper()
	return newKey(t, "")
}

// NewKeyWithPassphrase generates a key pair whose private key is encrypted.
func NewKeyWithPassphrase(t TB, passphrase string) *Key {
	t.Helper()
	return newKey(t, passphrase)
}

func newKey(t TB, passphrase string) *Key {
	t.Helper()
	public, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("gitserver: generate key: %v", err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(private, "gitserver test key")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(private, "gitserver test key", []byte(passphrase))
	}
	if err != nil {
		t.Fatalf("gitserver: encode key: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(private)
	if err != nil {
		t.Fatalf("gitserver: signer: %v", err)
	}
	sshPublic, err := ssh.NewPublicKey(public)
	if err != nil {
		t.Fatalf("gitserver: public key: %v", err)
	}
	return &Key{PrivatePEM: string(pem.EncodeToMemory(block)), Public: sshPublic, Signer: signer}
}
