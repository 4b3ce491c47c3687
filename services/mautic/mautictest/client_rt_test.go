package mautictest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// clientEnv is one emulated instance behind loopback and a client Conn.
func clientEnv(t *testing.T) (*mautictest.Instance, *mautic.Conn) {
	t.Helper()
	f := mautictest.NewFleet(1)
	srv := httptest.NewServer(f)
	tr := &http.Transport{}
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close(); tr.CloseIdleConnections() })
	cn := mautic.NewClient(mautic.WithTransport(tr)).Conn(mautic.Instance{
		TenantID: "t1", BaseURL: mautictest.InstanceURL(srv.URL, 1),
		Credentials: mautic.Credentials{Username: "api", Password: mautictest.BasicPassword(1)},
		Timeout:     5 * time.Second,
	})
	return f.Instance(1), cn
}

// TestClientRoundTrip proves services/mautic decodes everything the richer
// emulator serves: custom fields, extras, every sub-resource and the full
// timeline, with the seeded values intact.
func TestClientRoundTrip(t *testing.T) {
	in, cn := clientEnv(t)
	ctx := t.Context()
	if _, err := in.AddField(mautictest.Field{Alias: "loyalty_tier", Label: "Loyalty tier", Group: "professional"}); err != nil {
		t.Fatal(err)
	}
	in.SeedDemo(2)
	id := in.AddContact(map[string]any{"email": "rt@example.com", "firstname": "Round", "loyalty_tier": "gold", "newsletter_opt_in": true})
	in.SetContactExtras(id, mautictest.Extras{Tags: []string{"t1", "t2"}, IPAddresses: []string{"192.0.2.9"}, Points: 7,
		UTMTags: []mautictest.UTMTag{{Campaign: "rt", Source: "test"}}, Stage: &mautictest.Stage{ID: 3, Name: "Lead"}})
	in.AddNote(id, mautictest.Note{Text: "note one"})
	in.AddDevice(id, mautictest.Device{Type: "tablet", OSName: "iPadOS"})
	in.AddCompany(id, mautictest.Company{Name: "RT Inc", Primary: true})
	in.AddToSegment(id, mautictest.Segment{Name: "RT", Alias: "rt"})
	in.AddToCampaign(id, mautictest.Campaign{Name: "RT drip", Segments: []string{"rt"}})
	in.AddDNC(id, "email", 3, "asked by phone")
	in.SeedEvents(id, 123)

	t.Run("ContactFields", func(t *testing.T) {
		fields, err := cn.ContactFields(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byAlias := map[string]mautic.Field{}
		for _, f := range fields {
			byAlias[f.Alias] = f
		}
		if len(fields) != 31 || byAlias["loyalty_tier"] != (mautic.Field{Alias: "loyalty_tier", Label: "Loyalty tier", Type: "text", Group: "professional"}) ||
			byAlias["newsletter_opt_in"].Type != "boolean" || byAlias["email"].Group != "core" {
			t.Fatalf("%d fields: %+v", len(fields), byAlias["loyalty_tier"])
		}
	})
	t.Run("GetContact", func(t *testing.T) {
		c, err := cn.GetContact(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Email != "rt@example.com" || c.Fields["loyalty_tier"] != "gold" || c.Fields["newsletter_opt_in"] != "1" ||
			c.Fields["company"] != "RT Inc" || c.Fields["points"] != float64(7) {
			t.Fatalf("fields %v", c.Fields)
		}
		var raw struct {
			Tags        []struct{ Tag string }
			IPAddresses []struct{ IPAddress string }
			UTMTags     []struct {
				UTMCampaign string `json:"utmCampaign"`
			} `json:"utmtags"`
			Stage        struct{ Name string }
			DoNotContact []struct {
				Channel, Comments string
				Reason            int
			}
		}
		if err := json.Unmarshal(c.Raw, &raw); err != nil {
			t.Fatal(err)
		}
		if len(raw.Tags) != 2 || raw.Tags[1].Tag != "t2" || raw.IPAddresses[0].IPAddress != "192.0.2.9" ||
			raw.UTMTags[0].UTMCampaign != "rt" || raw.Stage.Name != "Lead" || raw.DoNotContact[0].Comments != "asked by phone" {
			t.Fatalf("raw %+v", raw)
		}
	})
	t.Run("SubResource", func(t *testing.T) {
		for name, want := range map[string]string{
			"notes": `"text":"note one"`, "devices": `"device":"tablet"`, "companies": `"companyname":"RT Inc"`,
			"segments": `"alias":"rt"`, "campaigns": `"name":"RT drip"`,
		} {
			raw, err := cn.SubResource(ctx, id, name)
			if err != nil || !strings.Contains(string(raw), want) {
				t.Errorf("%s: %v %s", name, err, raw)
			}
		}
		if _, err := cn.SubResource(ctx, 999, "notes"); !isNotFound(err) {
			t.Errorf("unknown contact: %v", err)
		}
	})
	t.Run("EachEvent", func(t *testing.T) {
		types := map[string]int{}
		n := 0
		err := cn.EachEvent(ctx, id, func(ev mautic.Event) error {
			n++
			types[ev.Event]++
			if ev.Timestamp.IsZero() || ev.EventID == "" || !json.Valid(ev.Raw) {
				t.Fatalf("bad event %+v", ev)
			}
			return nil
		})
		if err != nil || n != in.EventCount(id) || n != 126 || types["lead.utmtagsadded"] != 1 || types["lead.donotcontact"] != 1 {
			t.Fatalf("%v: %d events (want %d) %v", err, n, in.EventCount(id), types)
		}
	})
	t.Run("EditContact merges", func(t *testing.T) {
		other := in.AddContact(map[string]any{"email": "dup@example.com", "lastname": "Dup"})
		c, err := cn.EditContact(ctx, id, map[string]any{"email": "dup@example.com"})
		if err != nil || c.ID != id || c.Fields["lastname"] != "Dup" {
			t.Fatalf("%v %+v", err, c)
		}
		if _, err := cn.GetContact(ctx, other); !isNotFound(err) {
			t.Fatalf("merged contact still there: %v", err)
		}
		found, err := cn.FindByEmail(ctx, "dup@example.com")
		if err != nil || len(found) != 1 || found[0].ID != id {
			t.Fatalf("%v %+v", err, found)
		}
	})
}

func isNotFound(err error) bool { return errors.Is(err, mautic.ErrNotFound) }
