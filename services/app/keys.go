package app

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// Files the demo keeps its generated keys in (0600, inside DataDir).
const (
	DemoOperatorKeyFile = "operator.key"
	DemoMasterKeyFile   = "master.key"
)

// keys are the resolved secrets.
type keys struct {
	operator  string
	master    []byte
	generated bool // the demo operator key was created now
}

// resolveKeys checks the keys from the environment or, in demo mode, loads
// or generates the missing ones. Errors are *ConfigError naming the
// variable; they never contain a key.
func resolveKeys(c *Config) (keys, error) {
	var k keys
	op, mk := c.OperatorKey, c.MasterKey
	if c.Demo {
		var err error
		if op == "" {
			op, k.generated, err = demoSecret(c.DataDir, DemoOperatorKeyFile, newOperatorKey)
			if err != nil {
				return k, err
			}
		}
		if mk == "" {
			if mk, _, err = demoSecret(c.DataDir, DemoMasterKeyFile, tenants.NewMasterKey); err != nil {
				return k, err
			}
		}
	}
	if op == "" {
		return k, configErrorf("%s is not set (at least %d characters) — or use --demo", EnvOperatorKey, MinOperatorKeyLen)
	}
	if len(op) < MinOperatorKeyLen {
		return k, configErrorf("%s is too short (at least %d characters)", EnvOperatorKey, MinOperatorKeyLen)
	}
	if strings.TrimSpace(op) != op || strings.ContainsAny(op, "\r\n\t ") {
		return k, configErrorf("%s must not contain whitespace", EnvOperatorKey)
	}
	if mk == "" {
		return k, configErrorf("%s is not set (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) — or use --demo", EnvMasterKey)
	}
	master, err := tenants.ParseMasterKey(mk)
	if err != nil {
		return k, configErrorf("%s is invalid: %v (want base64 of 32 random bytes)", EnvMasterKey, err)
	}
	k.operator, k.master = op, master
	return k, nil
}

// newOperatorKey returns a random 43-character key.
func newOperatorKey() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "demo_" + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// demoSecret reads dir/name, or creates it (0600) with gen().
func demoSecret(dir, name string, gen func() (string, error)) (string, bool, error) {
	path := filepath.Join(dir, name)
	b, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(b)), false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", false, configErrorf("cannot read %s: %v", path, err)
	}
	v, err := gen()
	if err != nil {
		return "", false, fmt.Errorf("generating %s: %w", name, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", false, configErrorf("cannot create %s: %v", path, err)
	}
	if _, err := f.WriteString(v + "\n"); err != nil {
		_ = f.Close()
		return "", false, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", false, fmt.Errorf("writing %s: %w", path, err)
	}
	return v, true, nil
}

// prepareKeys checks the keys and creates the data directory. Outside demo
// mode the keys are checked first, so a missing key leaves no directory
// behind; the demo needs the directory to keep its generated keys.
func prepareKeys(c *Config) (keys, error) {
	if !c.Demo {
		k, err := resolveKeys(c)
		if err != nil {
			return k, err
		}
		return k, prepareDir(c.DataDir)
	}
	if err := prepareDir(c.DataDir); err != nil {
		return keys{}, err
	}
	return resolveKeys(c)
}

// prepareDir creates the data directory 0700.
func prepareDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return configErrorf("cannot create data directory %s: %v", dir, err)
	}
	return nil
}
