package serve

// The server's host key: made on the first run (ed25519, mode 0600, in
// the config dir), the same one after, so that students who checked its
// fingerprint once are not warned again.

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

type key struct {
	pem         []byte
	fingerprint string // SHA256:…
}

// hostKey reads the host key, or makes and saves one.
func hostKey(o Options) (key, error) {
	path := o.HostKey
	if path == "" {
		path = filepath.Join(o.ConfigDir, "ssh_host_ed25519_key")
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		b, err = newHostKey(path)
	}
	if err != nil {
		return key{}, fmt.Errorf("host key %s: %w", path, err)
	}
	signer, err := gossh.ParsePrivateKey(b)
	if err != nil {
		return key{}, fmt.Errorf("host key %s: %w", path, err)
	}
	return key{pem: b, fingerprint: gossh.FingerprintSHA256(signer.PublicKey())}, nil
}

// newHostKey makes an ed25519 key and writes it, readable by its owner
// only, into a directory only its owner may enter.
func newHostKey(path string) ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "sessionlab serve")
	if err != nil {
		return nil, err
	}
	b := pem.EncodeToMemory(block)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, err
	}
	return b, f.Close()
}
