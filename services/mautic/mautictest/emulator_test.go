package mautictest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

type harness struct {
	f    *Fleet
	srv  *httptest.Server
	base string
}

func newHarness(t *testing.T) *harness {
	f := NewFleet(2)
	srv := httptest.NewServer(f)
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return &harness{f: f, srv: srv, base: InstanceURL(srv.URL, 1)}
}

// do sends a Basic-authenticated request to instance 1.
func (h *harness) do(t *testing.T, method, path, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, h.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.SetBasicAuth("api", BasicPassword(1))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// TestQuirks covers the README quirks the live capture does not exercise.
func TestQuirks(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(in *Instance)
		method     string
		path, body string
		status     int
		contains   []string
		noVersion  bool
	}{
		{"DNC reason 0 is 400", func(in *Instance) { in.AddContact(map[string]any{"email": "a@b.c"}) },
			"POST", "/api/contacts/1/dnc/email/add", `{"reason":0}`, 400,
			[]string{`{"errors":[{"code":400,"message":"Invalid reason code given","details":["Reason code needs to be an integer and higher than 0."]}]}`}, false},
		{"DNC never changes an existing entry", func(in *Instance) {
			in.AddContact(map[string]any{"email": "a@b.c"})
			in.mu.Lock()
			in.nextDNC++
			in.contacts[1].dnc = []*dncEntry{{id: 1, channel: "email", reason: 3, comments: "first", added: in.now()}}
			in.mu.Unlock()
		}, "POST", "/api/contacts/1/dnc/email/add", `{"reason":1,"comments":"second"}`, 200, []string{`"reason":3,"comments":"first"`}, false},
		{"PATCH unknown is 404", nil, "PATCH", "/api/contacts/77/edit", `{"firstname":"x"}`, 404, []string{"Item was not found."}, false},
		{"PUT unknown creates a new id", nil, "PUT", "/api/contacts/77/edit", `{"email":"n@x.io"}`, 201, []string{`"id":1,`}, false},
		{"where without expr is 500", nil, "GET", "/api/contacts?where%5B0%5D%5Bcol%5D=email&where%5B0%5D%5Bval%5D=x", "", 500, []string{`(error #500)`, `"type":null`}, true},
		{"limit=0 is all", func(in *Instance) { in.Seed(40) }, "GET", "/api/contacts?limit=0", "", 200, []string{`"total":"44"`, `"44":{`}, false},
		{"default limit is 30", func(in *Instance) { in.Seed(40) }, "GET", "/api/contacts", "", 200, []string{`"total":"44"`, `"30":{`}, false},
		{"bad limit with rows is 500", func(in *Instance) { in.Seed(1) }, "GET", "/api/contacts?limit=abc", "", 500, nil, true},
		{"bad limit without rows is empty", nil, "GET", "/api/contacts?limit=abc", "", 200, []string{`{"total":"0","contacts":{}}`}, false},
		{"non-numeric id is a route 404", nil, "GET", "/api/contacts/abc", "", 404,
			[]string{`{"errors":[{"message":"Requested URL not found: \/api\/contacts\/abc","code":404,"type":null}]}`}, true},
		{"wrong method is a route 404", nil, "POST", "/api/contacts/1", "", 404, []string{`Requested URL not found`}, true},
		{"activity limit 0 is 500", func(in *Instance) { in.AddContact(map[string]any{"email": "a@b.c"}) }, "GET", "/api/contacts/1/activity?limit=0", "", 500, nil, true},
		{"email sanitized on create", nil, "POST", "/api/contacts/new", `{"email":"b\u00f6b @example.org"}`, 201, []string{`"email":"bb@example.org"`}, false},
		{"merge is 200", func(in *Instance) { in.AddContact(map[string]any{"email": "m@x.io"}) }, "POST", "/api/contacts/new", `{"email":"M@X.io","firstname":"New"}`, 200, []string{`"id":1,`, `"firstname":"New"`}, false},
		{"search underscore is a wildcard", func(in *Instance) { in.Seed(1) }, "GET", "/api/contacts?search=email:a_b@x.io", "", 200, []string{`"total":"2"`}, false},
		{"strict search", func(in *Instance) { in.Seed(1) }, "GET", "/api/contacts?search=email:%2Bbob@example.org", "", 200, []string{`"total":"1"`}, false},
		{"fields list", nil, "GET", "/api/fields/contact", "", 200, []string{`{"total":28,"fields":{"1":{"isPublished":true`}, false},
		{"sub-resource", func(in *Instance) { in.AddContact(nil) }, "GET", "/api/contacts/1/segments", "", 200, []string{`{"total":0,"lists":[]}`}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if tc.setup != nil {
				tc.setup(h.f.Instance(1))
			}
			status, hdr, body := h.do(t, tc.method, tc.path, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			for _, c := range tc.contains {
				if !strings.Contains(body, c) {
					t.Errorf("body lacks %s\n%s", c, body[:min(len(body), 400)])
				}
			}
			if got := hdr.Get("Mautic-Version") == ""; got != tc.noVersion {
				t.Errorf("Mautic-Version header present=%v", !got)
			}
		})
	}
}

func TestActivityPagingPerType(t *testing.T) {
	h := newHarness(t)
	in := h.f.Instance(1)
	id := in.AddContact(map[string]any{"email": "p@x.io"})
	in.SeedEvents(id, 23) // 5 types: 5,5,5,4,4 + lead.source.identified
	_, _, body := h.do(t, "GET", "/api/contacts/1/activity?limit=2&page=1", "")
	var a struct {
		Events   []json.RawMessage
		Total    int
		Page     int
		Limit    int
		MaxPages json.Number
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	// limit applies per type: 2 per seeded type + the single identification event.
	if len(a.Events) != 11 || a.Total != 24 || a.MaxPages.String() != "3.0" || !strings.Contains(body, `"maxPages":3.0}`) {
		t.Fatalf("events %d total %d maxPages %s", len(a.Events), a.Total, a.MaxPages)
	}
	_, _, body = h.do(t, "GET", "/api/contacts/1/activity?limit=2&page=3", "")
	_ = json.Unmarshal([]byte(body), &a)
	if len(a.Events) != 3 || a.Page != 3 {
		t.Fatalf("page 3: %d events", len(a.Events))
	}
}

func TestAuthAndAPIDisabled(t *testing.T) {
	h := newHarness(t)
	tok := func(id, secret string) (int, string) {
		resp, err := http.PostForm(h.base+"/oauth/v2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, body := tok(ClientID(1), "bad"); st != 400 || body != `{"errors":[{"message":"The client credentials are invalid","code":400,"type":"invalid_client"}]}` {
		t.Fatalf("%d %s", st, body)
	}
	st, body := tok(ClientID(1), ClientSecret(1))
	var tr struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal([]byte(body), &tr); st != 200 || err != nil || tr.ExpiresIn != 3600 {
		t.Fatalf("%d %s", st, body)
	}
	call := func(authz string) (int, string) {
		req, _ := http.NewRequest("GET", h.base+"/api/contacts", nil)
		req.Header.Set("Authorization", authz)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, _ := call("Bearer " + tr.AccessToken); st != 200 {
		t.Fatalf("bearer: %d", st)
	}
	if st, body := call("Bearer nope"); st != 401 || !strings.Contains(body, "invalid_grant") {
		t.Fatalf("bad bearer: %d %s", st, body)
	}
	// Instance 2's credentials do not open instance 1.
	if st, _ := tok(ClientID(2), ClientSecret(2)); st != 400 {
		t.Fatalf("cross-instance token: %d", st)
	}
	h.f.Instance(1).SetFaults(Faults{APIDisabled: true})
	want := `{"errors":[{"message":"API disabled. You need to enable the API in the API settings of Mautic\u0027s Configuration.","code":403,"type":"api_disabled"}]}`
	if st, body := call("Bearer " + tr.AccessToken); st != 403 || body != want {
		t.Fatalf("api disabled: %d %s", st, body)
	}
	if st, _ := tok(ClientID(1), ClientSecret(1)); st != 403 {
		t.Fatalf("token while disabled: %d", st)
	}
}

func TestFaultsDeterministicAndConcurrent(t *testing.T) {
	run := func() []int {
		h := newHarness(t)
		h.f.Instance(1).SetFaults(Faults{FaultRate: 0.3, RateLimitRate: 0.1, MalformedRate: 0.1, Seed: 42})
		var out []int
		for range 50 {
			st, _, _ := h.do(t, "GET", "/api/contacts", "")
			out = append(out, st)
		}
		return out
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Fatalf("not deterministic:\n%v\n%v", a, b)
	}
	counts := map[int]int{}
	for _, s := range a {
		counts[s]++
	}
	if counts[500] == 0 || counts[429] == 0 || counts[200] == 0 {
		t.Fatalf("fault mix %v", counts)
	}

	h := newHarness(t)
	in := h.f.Instance(1)
	in.SetFaults(Faults{FaultRate: 0.2, Seed: 1})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				switch i % 4 {
				case 0:
					in.AddContact(map[string]any{"email": "w@x.io"})
				case 1:
					h.do(t, "GET", "/api/contacts?search=email:w", "")
				case 2:
					h.do(t, "POST", "/api/contacts/1/dnc/email/add", "")
				default:
					h.do(t, "DELETE", "/api/contacts/"+itoa(int64(w*20+i))+"/delete", "")
				}
			}
		}()
	}
	wg.Wait()
	if in.Requests() != 8*15 {
		t.Fatalf("requests = %d", in.Requests())
	}
}

func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, "127.0.0.1:0", 2, 5, time.Millisecond, 0, func(u string) { ready <- u }) }()
	base := <-ready
	req, _ := http.NewRequest("GET", InstanceURL(base, 2)+"/api/contacts?where%5B0%5D%5Bcol%5D=email&where%5B0%5D%5Bexpr%5D=eq&where%5B0%5D%5Bval%5D=contact-3@instance-2.example", nil)
	req.SetBasicAuth("api", BasicPassword(2))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"total":"1"`) {
		t.Fatalf("%s", b[:min(len(b), 200)])
	}
	http.DefaultClient.CloseIdleConnections()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func FuzzLike(f *testing.F) {
	for _, s := range [][2]string{{"a_b@x.io", "a_b@x.io%"}, {"axb@x.io", "a_b%"}, {"", "%"}, {"abc", "%%c"}, {"ÄB", "äb"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, s, p string) {
		if len(s) > 64 || len(p) > 64 {
			return
		}
		if !strings.ContainsAny(s, "%_") && !like(s, s) {
			t.Fatal("a string without wildcards must match itself")
		}
		_ = like(s, p)
		_ = parseSearch(p)
	})
}
