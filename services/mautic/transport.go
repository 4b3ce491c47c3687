package mautic

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// call is one HTTP request to Mautic. route is the template used for the
// span name and url.template ("/api/contacts/{id}"); path is the concrete
// path. Neither the query nor the body ever reaches telemetry or errors.
type call struct {
	method, route, path string
	query               url.Values
	body                []byte
	contentType         string
}

// response is a fully read (size-capped) answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends cl, repeating a transient GET failure when the Conn has read
// retries. With OAuth2, a 401 drops
// the cached token and the call is repeated once with a fresh token.
func (cn *Conn) do(ctx context.Context, cl call) (*response, error) {
	for try := 0; ; try++ {
		resp, err := cn.doOnce(ctx, cl)
		if err == nil || !cn.retryRead(ctx, cl, err, try) {
			return resp, err
		}
	}
}

// doOnce is one logical call: one exchange, plus one repeat with a fresh
// OAuth2 token after a 401.
func (cn *Conn) doOnce(ctx context.Context, cl call) (*response, error) {
	for attempt := 0; ; attempt++ {
		authz, token, err := cn.authorization(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := cn.roundTrip(ctx, cl, authz)
		var ae *AuthError
		if token != "" && attempt == 0 && errors.As(err, &ae) && ae.Status == http.StatusUnauthorized {
			cn.invalidateToken(token)
			continue
		}
		return resp, err
	}
}

// roundTrip performs one HTTP exchange under the tenant's semaphore and the
// instance timeout, inside one client span, and classifies the answer.
func (cn *Conn) roundTrip(ctx context.Context, cl call, authz string) (*response, error) {
	select {
	case cn.state.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-cn.state.sem }()

	u, err := url.Parse(strings.TrimRight(cn.inst.BaseURL, "/") + cl.path)
	if err != nil || u.Host == "" {
		return nil, &MalformedError{Reason: "invalid instance base URL"}
	}
	u.RawQuery = cl.query.Encode()

	ctx, span := cn.c.tracer.Start(ctx, cl.method+" "+cl.route,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("http.request.method", cl.method),
			attribute.String("url.template", cl.route),
			attribute.String("server.address", u.Hostname()),
			attribute.String("dsar.tenant_id", cn.inst.TenantID),
		))
	defer span.End()

	resp, err := cn.exchange(ctx, u, cl, authz)
	if resp != nil {
		span.SetAttributes(attribute.Int("http.response.status_code", resp.status))
		if err == nil {
			err = classify(resp, cl.route)
		}
	}
	if err != nil {
		et := errorType(err)
		span.SetAttributes(attribute.String("error.type", et))
		span.SetStatus(codes.Error, et)
		return resp, err
	}
	return resp, nil
}

// exchange sends the request and reads the capped body; it maps deadline
// and connection failures to ErrTimeout / *TransportError without the URL.
func (cn *Conn) exchange(ctx context.Context, u *url.URL, cl call, authz string) (*response, error) {
	cctx, cancel := context.WithTimeout(ctx, cn.inst.Timeout)
	defer cancel()
	var body io.Reader
	if cl.body != nil {
		body = bytes.NewReader(cl.body)
	}
	req, err := http.NewRequestWithContext(cctx, cl.method, u.String(), body)
	if err != nil {
		return nil, &MalformedError{Reason: "cannot build request"}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", cn.c.userAgent)
	if cl.contentType != "" {
		req.Header.Set("Content-Type", cl.contentType)
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	if cn.inst.PropagateTrace {
		otel.GetTextMapPropagator().Inject(ctx, propagation.HeaderCarrier(req.Header))
	}
	hr, err := cn.c.hc.Do(req)
	if err != nil {
		return nil, cn.netErr(ctx, cctx, err)
	}
	defer hr.Body.Close()
	b, err := io.ReadAll(io.LimitReader(hr.Body, cn.c.maxBody+1))
	resp := &response{status: hr.StatusCode, header: hr.Header, body: b}
	if err != nil {
		return resp, cn.netErr(ctx, cctx, err)
	}
	if int64(len(b)) > cn.c.maxBody {
		return resp, &MalformedError{Reason: "response larger than " + strconv.FormatInt(cn.c.maxBody, 10) + " bytes"}
	}
	return resp, nil
}

func (cn *Conn) netErr(parent, cctx context.Context, err error) error {
	if perr := parent.Err(); perr != nil {
		return perr
	}
	if errors.Is(cctx.Err(), context.DeadlineExceeded) {
		return ErrTimeout
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // url.Error's text holds the URL with the query: drop it
	}
	return &TransportError{Err: err}
}

// classify turns a non-2xx (or a non-JSON 2xx) answer into a typed error.
func classify(r *response, route string) error {
	st := r.status
	if st >= 200 && st < 300 {
		if !looksJSON(r.body) {
			return &NotMauticError{Status: st}
		}
		return nil
	}
	e, shaped := parseErrorBody(r.body)
	switch {
	case st == http.StatusTooManyRequests:
		return &RateLimitError{RetryAfter: retryAfter(r.header, time.Now())}
	case st >= 500:
		return &ServerError{Status: st}
	case st == http.StatusUnauthorized:
		return &AuthError{Status: st, Type: e.Type}
	case st == http.StatusForbidden && e.Type == "api_disabled":
		return ErrAPIDisabled
	case st == http.StatusForbidden:
		return &AuthError{Status: st, Type: e.Type}
	case route == tokenRoute && st == http.StatusBadRequest:
		return &AuthError{Status: st, Type: e.Type}
	case st == http.StatusNotFound && shaped && !e.HasType:
		// Controller 404 ("Item was not found."). The routing 404 carries
		// "type":null and means the path itself is wrong: not a not-found.
		return ErrNotFound
	case !shaped:
		return &NotMauticError{Status: st}
	case st == http.StatusNotFound:
		return &NotMauticError{Status: st}
	}
	return &RequestError{Status: st, Type: e.Type}
}

func looksJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// retryAfter reads Retry-After (seconds or HTTP date) or, failing that,
// X-RateLimit-Reset (a unix timestamp, what Mautic itself sends).
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
			return capWait(time.Duration(s) * time.Second)
		}
		if t, err := http.ParseTime(v); err == nil {
			return capWait(t.Sub(now))
		}
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if ts, err := strconv.ParseInt(v, 10, 64); err == nil {
			return capWait(time.Unix(ts, 0).Sub(now))
		}
	}
	return 0
}

func capWait(d time.Duration) time.Duration {
	const maxWait = 2 * time.Hour
	switch {
	case d < 0:
		return 0
	case d > maxWait:
		return maxWait
	}
	return d
}
