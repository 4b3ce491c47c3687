package mautic_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// contractTarget is a Mautic the contract suite runs against: the emulator
// always, and a real instance when MAUTIC_TEST_URL, MAUTIC_TEST_USER and
// MAUTIC_TEST_PASSWORD are set.
type contractTarget struct {
	name string
	conn func(t *testing.T) *mautic.Conn
	// create makes a contact through the REST API (not the client, which has
	// no create call) and returns its id.
	create func(t *testing.T, cn *mautic.Conn, fields map[string]any) int64
}

func createViaAPI(t *testing.T, inst mautic.Instance, fields map[string]any) int64 {
	t.Helper()
	b, _ := json.Marshal(fields)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, inst.BaseURL+"/api/contacts/new", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(inst.Credentials.Username, inst.Credentials.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Contact struct {
			ID int64 `json:"id"`
		} `json:"contact"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Contact.ID == 0 {
		t.Fatalf("create: status %d, %v", resp.StatusCode, err)
	}
	return body.Contact.ID
}

func contractTargets(t *testing.T) []contractTarget {
	e := newEnv(t, 1)
	targets := []contractTarget{{
		name:   "emulator",
		conn:   func(*testing.T) *mautic.Conn { return e.basic(1) },
		create: func(t *testing.T, cn *mautic.Conn, f map[string]any) int64 { return createViaAPI(t, cn.Instance(), f) },
	}}
	url, user, pass := os.Getenv("MAUTIC_TEST_URL"), os.Getenv("MAUTIC_TEST_USER"), os.Getenv("MAUTIC_TEST_PASSWORD")
	if url != "" && user != "" && pass != "" {
		c := mautic.NewClient()
		targets = append(targets, contractTarget{
			name: "real",
			conn: func(*testing.T) *mautic.Conn {
				return c.Conn(mautic.Instance{TenantID: "real", BaseURL: url, Timeout: 30 * time.Second, MaxConcurrency: 2,
					Credentials: mautic.Credentials{Username: user, Password: pass}})
			},
			create: func(t *testing.T, cn *mautic.Conn, f map[string]any) int64 { return createViaAPI(t, cn.Instance(), f) },
		})
	} else {
		t.Log("real Mautic contract run skipped: set MAUTIC_TEST_URL, MAUTIC_TEST_USER, MAUTIC_TEST_PASSWORD")
	}
	return targets
}

// TestContract runs the same assertions against every target: exact lookup
// (prefix and wildcard look-alikes never match), GET, DNC, activity,
// delete then 404 forever.
func TestContract(t *testing.T) {
	for _, tg := range contractTargets(t) {
		t.Run(tg.name, func(t *testing.T) {
			cn := tg.conn(t)
			ctx := t.Context()
			run := fmt.Sprintf("c%d", time.Now().UnixNano())
			email := run + ".a_b@example.org"
			mine := tg.create(t, cn, map[string]any{"email": email, "firstname": "Contract"})
			lookalikes := []int64{
				tg.create(t, cn, map[string]any{"email": email + ".uk"}),
				tg.create(t, cn, map[string]any{"email": run + ".axb@example.org"}),
			}
			t.Cleanup(func() {
				for _, id := range append(lookalikes, mine) {
					_ = cn.DeleteContact(t.Context(), id)
				}
			})
			for _, q := range []string{email, "  " + email + " ", upper(email)} {
				got, err := cn.FindByEmail(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 1 || got[0].ID != mine {
					t.Fatalf("FindByEmail matched %d contacts", len(got))
				}
			}
			c, err := cn.GetContact(ctx, mine)
			if err != nil || c.ID != mine || c.Fields["firstname"] != "Contract" {
				t.Fatalf("GetContact: %v", err)
			}
			if err := cn.AddDNC(ctx, mine, "email", 3, "contract test"); err != nil {
				t.Fatal(err)
			}
			if err := cn.AddDNC(ctx, mine, "email", 1, "again"); err != nil {
				t.Fatal(err)
			}
			events := map[string]int{}
			if err := cn.EachEvent(ctx, mine, func(ev mautic.Event) error { events[ev.Event]++; return nil }); err != nil {
				t.Fatal(err)
			}
			if events["lead.donotcontact"] != 1 {
				t.Fatalf("events = %v", events)
			}
			if err := cn.RemoveDNC(ctx, mine, "email"); err != nil {
				t.Fatal(err)
			}
			if err := cn.DeleteContact(ctx, mine); err != nil {
				t.Fatal(err)
			}
			if err := cn.DeleteContact(ctx, mine); !errors.Is(err, mautic.ErrNotFound) {
				t.Fatalf("second delete: %v", err)
			}
			if _, err := cn.GetContact(ctx, mine); !errors.Is(err, mautic.ErrNotFound) {
				t.Fatalf("get after delete: %v", err)
			}
			if got, err := cn.FindByEmail(ctx, email); err != nil || len(got) != 0 {
				t.Fatalf("lookup after delete: %d, %v", len(got), err)
			}
			for _, id := range lookalikes {
				if _, err := cn.GetContact(ctx, id); err != nil {
					t.Fatalf("look-alike %d touched: %v", id, err)
				}
			}
		})
	}
}

func upper(s string) string { return string(bytes.ToUpper([]byte(s))) }
