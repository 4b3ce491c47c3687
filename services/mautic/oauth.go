package mautic

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

const tokenRoute = "/oauth/v2/token"

// authorization returns the Authorization header value for the next call
// and, for OAuth2, the token it carries (so a 401 can invalidate exactly it).
func (cn *Conn) authorization(ctx context.Context) (header, token string, err error) {
	cr := cn.inst.Credentials
	if cr.Username != "" {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(cr.Username+":"+cr.Password)), "", nil
	}
	if cr.ClientID == "" {
		return "", "", &AuthError{Type: "missing_credentials"}
	}
	st := cn.state
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.token != "" && cn.c.now().Before(st.expiry) {
		return "Bearer " + st.token, st.token, nil
	}
	tok, ttl, err := cn.fetchToken(ctx)
	if err != nil {
		return "", "", err
	}
	st.token, st.expiry = tok, cn.c.now().Add(ttl-expiryMargin(ttl))
	return "Bearer " + tok, tok, nil
}

// expiryMargin is how long before the announced expiry a token is renewed.
func expiryMargin(ttl time.Duration) time.Duration {
	m := ttl / 10
	if m > time.Minute {
		m = time.Minute
	}
	return m
}

func (cn *Conn) invalidateToken(tok string) {
	st := cn.state
	st.mu.Lock()
	if st.token == tok {
		st.token, st.expiry = "", time.Time{}
	}
	st.mu.Unlock()
}

// fetchToken runs the client_credentials grant. The id and secret travel in
// the form body (a Basic header would trip Mautic's "Basic Auth disabled").
func (cn *Conn) fetchToken(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {cn.inst.Credentials.ClientID},
		"client_secret": {cn.inst.Credentials.ClientSecret},
	}
	resp, err := cn.roundTrip(ctx, call{
		method: http.MethodPost, route: tokenRoute, path: tokenRoute,
		body: []byte(form.Encode()), contentType: "application/x-www-form-urlencoded",
	}, "")
	if err != nil {
		return "", 0, err
	}
	var tr struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(resp.body, &tr); err != nil || tr.AccessToken == "" {
		return "", 0, &MalformedError{Reason: "token response without access_token"}
	}
	secs, ok := flexInt(tr.ExpiresIn)
	if !ok || secs <= 0 {
		secs = 3600
	}
	return tr.AccessToken, time.Duration(secs) * time.Second, nil
}
