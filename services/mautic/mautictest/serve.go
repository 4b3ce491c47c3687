package mautictest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
)

// serve handles one request for this instance; sub is the path after /i/{n}.
func (in *Instance) serve(w http.ResponseWriter, r *http.Request, sub string) {
	in.requests.Add(1)
	cur := in.inFlight.Add(1)
	defer in.inFlight.Add(-1)
	for {
		m := in.maxInFlight.Load()
		if cur <= m || in.maxInFlight.CompareAndSwap(m, cur) {
			break
		}
	}
	f := in.faultsNow()
	if !sleep(r.Context(), f.Latency) {
		return
	}
	isAPI := sub == "/api" || strings.HasPrefix(sub, "/api/")
	if f.APIDisabled && (isAPI || strings.HasPrefix(sub, "/oauth")) {
		writeGate(w, http.StatusForbidden, gateError(http.StatusForbidden,
			"API disabled. You need to enable the API in the API settings of Mautic's Configuration.", "api_disabled"))
		return
	}
	if sub == "/oauth/v2/token" && (r.Method == http.MethodPost || r.Method == http.MethodGet) {
		in.token(w, r)
		return
	}
	if !isAPI {
		http.NotFound(w, r)
		return
	}
	basic, ok := in.authenticate(w, r)
	if !ok {
		return
	}
	if k, f := in.drawFault(); in.injectFault(w, r, k, f) {
		return
	}
	in.route(w, r, strings.TrimPrefix(sub, "/api"), basic)
}

// authenticate checks Basic or Bearer credentials and writes Mautic's 401
// bodies on failure. basic reports which scheme succeeded.
func (in *Instance) authenticate(w http.ResponseWriter, r *http.Request) (basic, ok bool) {
	authz := r.Header.Get("Authorization")
	deny := func(msg, typ string) (bool, bool) {
		writeGate(w, http.StatusUnauthorized, gateError(http.StatusUnauthorized, msg, typ))
		return false, false
	}
	switch {
	case strings.HasPrefix(authz, "Basic "):
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(authz, "Basic "))
		user, pass, _ := strings.Cut(string(raw), ":")
		if err != nil || user != "api" || pass != BasicPassword(in.n) {
			return deny("Authorization denied, invalid credentials.", "access_denied")
		}
		return true, true
	case strings.HasPrefix(authz, "Bearer "):
		tok := strings.TrimPrefix(authz, "Bearer ")
		in.mu.Lock()
		exp, found := in.tokens[tok]
		in.mu.Unlock()
		switch {
		case !found:
			return deny("The access token provided is invalid.", "invalid_grant")
		case !in.cfg.now().Before(exp):
			return deny("The access token provided has expired.", "invalid_grant")
		}
		return false, true
	}
	return deny("API authorization denied.", "access_denied")
}

// token is POST /oauth/v2/token for the client_credentials grant.
func (in *Instance) token(w http.ResponseWriter, r *http.Request) {
	in.tokenCalls.Add(1)
	if err := r.ParseForm(); err != nil {
		writeGate(w, http.StatusBadRequest, gateError(400, "Invalid grant_type parameter or parameter missing", "invalid_request"))
		return
	}
	if r.Form.Get("grant_type") != "client_credentials" {
		writeGate(w, http.StatusBadRequest, gateError(400, "Invalid grant_type parameter or parameter missing", "invalid_request"))
		return
	}
	if r.Form.Get("client_id") != ClientID(in.n) || r.Form.Get("client_secret") != ClientSecret(in.n) {
		writeGate(w, http.StatusBadRequest, gateError(400, "The client credentials are invalid", "invalid_client"))
		return
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	in.mu.Lock()
	in.tokens[tok] = in.cfg.now().Add(in.cfg.tokenTTL)
	in.mu.Unlock()
	j := &jw{}
	j.obj().kv("access_token", tok).key("expires_in").int(int64(in.cfg.tokenTTL.Seconds())).
		kv("token_type", "bearer").key("scope").null().end()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(j.b)
}

var subResourceKeys = map[string]string{
	"notes": "notes", "devices": "devices", "companies": "companies", "segments": "lists", "campaigns": "campaigns",
}

// route dispatches an authenticated /api call; p is the path after /api.
func (in *Instance) route(w http.ResponseWriter, r *http.Request, p string, basic bool) {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	m := r.Method
	switch {
	case p == "/contacts" && m == http.MethodGet:
		in.list(w, r)
		return
	case p == "/contacts/new" && m == http.MethodPost:
		in.create(w, r, basic)
		return
	case p == "/fields/contact" && m == http.MethodGet:
		in.fields(w, r)
		return
	case len(segs) >= 2 && segs[0] == "contacts" && isDigits(segs[1]):
		id, err := strconv.ParseInt(segs[1], 10, 64)
		if err != nil {
			break
		}
		switch {
		case len(segs) == 2 && m == http.MethodGet:
			in.get(w, id)
			return
		case len(segs) == 3 && segs[2] == "edit" && (m == http.MethodPatch || m == http.MethodPut):
			in.edit(w, r, id, m == http.MethodPut, basic)
			return
		case len(segs) == 3 && segs[2] == "delete" && m == http.MethodDelete:
			in.delete(w, id)
			return
		case len(segs) == 3 && segs[2] == "activity" && m == http.MethodGet:
			in.activity(w, r, id)
			return
		case len(segs) == 3 && subResourceKeys[segs[2]] != "" && m == http.MethodGet:
			in.subResource(w, r, id, subResourceKeys[segs[2]])
			return
		case len(segs) == 5 && segs[2] == "dnc" && segs[3] != "" && m == http.MethodPost && (segs[4] == "add" || segs[4] == "remove"):
			in.dnc(w, r, id, segs[3], segs[4] == "add")
			return
		}
	}
	writeRouteNotFound(w, "/api"+p)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
