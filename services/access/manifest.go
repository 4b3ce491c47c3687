package access

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
)

// Tenant statuses in manifest.json and summary.txt.
const (
	StatusFound    = "found"
	StatusNotFound = "not_found"
	StatusFailed   = "failed"
)

// noNoticeStatement is what the manifest says for a tenant without a
// configured privacy notice.
const noNoticeStatement = "The controller has not configured the Art. 15(1) GDPR information (purposes, recipients, retention, source) for this instance; ask the controller for it."

// fileEntry is one file of the package with its checksum.
type fileEntry struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// tenantEntry is one targeted tenant in the manifest.
type tenantEntry struct {
	TenantID                string          `json:"tenantId"`
	DisplayName             string          `json:"displayName"`
	CustomerID              string          `json:"customerId"`
	Status                  string          `json:"status"`
	TaskState               string          `json:"taskState"`
	Reason                  string          `json:"reason,omitempty"`
	Contacts                int             `json:"contacts"`
	Events                  int64           `json:"events"`
	Files                   []fileEntry     `json:"files"`
	PrivacyNoticeConfigured bool            `json:"privacyNoticeConfigured"`
	PrivacyNotice           json.RawMessage `json:"privacyNotice"`
	PrivacyNoticeStatement  string          `json:"privacyNoticeStatement,omitempty"`
}

// manifest is manifest.json.
type manifest struct {
	SchemaVersion string        `json:"schemaVersion"`
	RequestID     string        `json:"requestId"`
	RequestType   string        `json:"requestType"`
	SubjectRef    string        `json:"subjectRef"`
	GeneratedAt   string        `json:"generatedAt"`
	ExpiresAt     string        `json:"expiresAt"`
	Tenants       []tenantEntry `json:"tenants"`
	Files         []fileEntry   `json:"files"`
}

// setNotice copies the tenant's configured Art. 15(1) information, or says
// explicitly that there is none.
func (t *tenantEntry) setNotice(n *dsarv1.PrivacyNotice, known bool) {
	t.PrivacyNotice = json.RawMessage("null")
	if n != nil && !isEmptyNotice(n) {
		b, err := protojson.MarshalOptions{EmitUnpopulated: true}.Marshal(n)
		if err == nil {
			t.PrivacyNotice, t.PrivacyNoticeConfigured = compactJSON(b), true
			return
		}
	}
	t.PrivacyNoticeStatement = noNoticeStatement
	if !known {
		t.PrivacyNoticeStatement = "This instance is no longer registered with the service, so its Art. 15(1) GDPR information is unavailable; ask the controller for it."
	}
}

func isEmptyNotice(n *dsarv1.PrivacyNotice) bool {
	b, err := protojson.Marshal(n)
	return err == nil && strings.TrimSpace(string(b)) == "{}"
}

func compactJSON(b []byte) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}

// writeSummary writes summary.txt for humans.
func writeSummary(w io.Writer, m *manifest, ttl time.Duration) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Access package (GDPR Art. 15 and 20)\n\n")
	fmt.Fprintf(&b, "Request:          %s\n", m.RequestID)
	fmt.Fprintf(&b, "Generated:        %s\n", m.GeneratedAt)
	fmt.Fprintf(&b, "Available until:  %s (the package is deleted then, %s after it was generated)\n", m.ExpiresAt, humanDuration(ttl))
	if m.SubjectRef != "" {
		fmt.Fprintf(&b, "Subject reference: %s (a keyed hash, not the address itself)\n", m.SubjectRef)
	}
	fmt.Fprintf(&b, "\nMautic instances searched: %d\n\n", len(m.Tenants))
	for _, t := range m.Tenants {
		name := t.TenantID
		if t.DisplayName != "" {
			name += " (" + t.DisplayName + ")"
		}
		switch t.Status {
		case StatusFound:
			fmt.Fprintf(&b, "  %s: data found: %d contact(s), %d activity event(s), in tenants/%s/\n", name, t.Contacts, t.Events, t.TenantID)
		case StatusNotFound:
			fmt.Fprintf(&b, "  %s: no data: no contact with this email address exists there\n", name)
		default:
			fmt.Fprintf(&b, "  %s: FAILED, this instance's data is NOT in the package: %s\n", name, t.Reason)
		}
		if !t.PrivacyNoticeConfigured {
			fmt.Fprintf(&b, "      (no privacy information configured for this instance)\n")
		}
	}
	b.WriteString(summaryFooter)
	_, err := io.WriteString(w, b.String())
	return err
}

const summaryFooter = `
Files:
  manifest.json              what is in the package: per instance its status, counts, the
                             SHA-256 of every file, and the controller's Art. 15(1) information
                             (purposes, recipients, retention, source, ...).
  tenants/<id>/data.json     everything the instance holds, machine-readable (schema below):
                             every profile field with its label, tags, UTM tags, points, stage,
                             companies, segments, campaigns, do-not-contact entries, notes,
                             devices, IP addresses and the complete activity timeline.
  tenants/<id>/contact.csv   the profile as Mautic's own contact export: alias,value.
  tenants/<id>/activity.csv  the activity timeline, one event per row, details as JSON.
  schema/data.schema.json    the JSON Schema of data.json (schema version 1).

In the CSV files a value that starts with =, +, -, @ (and is not a number) is prefixed
with an apostrophe so spreadsheet programs do not run it as a formula; data.json holds
the values exactly as stored.
`

func humanDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}
