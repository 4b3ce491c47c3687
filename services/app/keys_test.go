package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mautic-dsar/mautic-dsar/tenants"
)

func TestPrepareKeys(t *testing.T) {
	good := strings.Repeat("k", MinOperatorKeyLen)
	master, err := tenants.NewMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, op, mk string
		demo         bool
		errHas       string // "" = ok
	}{
		{"missing operator", "", master, false, EnvOperatorKey + " is not set"},
		{"short operator", "zq9-tiny", master, false, EnvOperatorKey + " is too short"},
		{"spaces", good + " x", master, false, EnvOperatorKey + " must not contain whitespace"},
		{"missing master", good, "", false, EnvMasterKey + " is not set"},
		{"bad master", good, "bm90IDMyIGJ5dGVz", false, EnvMasterKey + " is invalid"},
		{"not base64", good, "!!!", false, EnvMasterKey + " is invalid"},
		{"ok", good, master, false, ""},
		{"demo generates", "", "", true, ""},
		{"demo keeps given keys", good, master, true, ""},
		{"demo checks given keys", "zq9-tiny", "", true, EnvOperatorKey + " is too short"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			c := &Config{DataDir: dir, OperatorKey: tc.op, MasterKey: tc.mk, Demo: tc.demo}
			k, err := prepareKeys(c)
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errHas) || !IsConfigError(err) {
					t.Fatalf("err %v, want config error with %q", err, tc.errHas)
				}
				if strings.Contains(err.Error(), tc.op) && tc.op != "" || tc.mk != "" && strings.Contains(err.Error(), tc.mk) {
					t.Errorf("error echoes a key: %v", err)
				}
				if _, statErr := os.Stat(dir); !tc.demo && statErr == nil {
					t.Error("data directory created despite the bad configuration")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(k.operator) < MinOperatorKeyLen || len(k.master) != tenants.MasterKeySize {
				t.Fatalf("keys %d/%d", len(k.operator), len(k.master))
			}
			if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
				t.Errorf("data dir: %v %v", st, err)
			}
		})
	}
}

func TestDemoKeysPersist(t *testing.T) {
	dir := t.TempDir()
	c := &Config{DataDir: dir, Demo: true}
	k1, err := prepareKeys(c)
	if err != nil {
		t.Fatal(err)
	}
	if !k1.generated {
		t.Error("first start did not generate")
	}
	for _, f := range []string{DemoOperatorKeyFile, DemoMasterKeyFile} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, st, err)
		}
	}
	k2, err := prepareKeys(&Config{DataDir: dir, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	if k2.generated || k2.operator != k1.operator || string(k2.master) != string(k1.master) {
		t.Error("restart did not reuse the demo keys")
	}
}
