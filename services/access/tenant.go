package access

import (
	"context"
	"errors"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// writeTenant writes one tenant's files (when its data was found) and
// returns its manifest entry. A part that is missing or does not
// authenticate turns the tenant into "failed", never into silence.
func (p *Packager) writeTenant(ctx context.Context, z *zipOut, requestID string, t *dsarv1.Task, generatedAt string) (tenantEntry, error) {
	te := tenantEntry{TenantID: t.GetTenantId(), CustomerID: t.GetCustomerId(), TaskState: t.GetState().String(), Files: []fileEntry{}}
	ten, err := p.store.GetTenant(ctx, t.GetTenantId())
	switch {
	case err == nil:
		te.DisplayName, te.CustomerID = ten.GetDisplayName(), ten.GetCustomerId()
		te.setNotice(ten.GetPrivacyNotice(), true)
	case errors.Is(err, tenants.ErrNotFound):
		te.setNotice(nil, false)
	default:
		return te, err
	}
	switch t.GetState() {
	case dsarv1.TaskState_TASK_STATE_SUCCEEDED:
		te.Status = StatusFound
	case dsarv1.TaskState_TASK_STATE_NOT_FOUND:
		te.Status = StatusNotFound
		return te, nil
	case dsarv1.TaskState_TASK_STATE_CANCELLED:
		te.Status, te.Reason = StatusFailed, "the request was cancelled before this instance was searched"
		return te, nil
	case dsarv1.TaskState_TASK_STATE_NEEDS_CONFIRMATION:
		te.Status, te.Reason = StatusFailed, "awaiting a human decision on which contact is the subject"
		return te, nil
	default:
		te.Status, te.Reason = StatusFailed, "the instance could not be searched"
		if msg := t.GetError().GetMessage(); msg != "" {
			te.Reason += ": " + msg
		}
		return te, nil
	}
	// Check the part end to end before writing anything of it.
	end, err := p.walkPart(requestID, te.TenantID, partVisitor{})
	if err != nil {
		te.Status, te.Reason = StatusFailed, "the collected data is no longer available"
		if !partMissing(err) {
			te.Reason = "the collected data did not pass its integrity check"
		}
		return te, nil
	}
	te.Contacts, te.Events = end.Contacts, end.Events
	contacts, err := p.writeDataJSON(z, requestID, te.TenantID, generatedAt)
	if err != nil {
		return te, err
	}
	if err := writeContactCSV(z, te.TenantID, contacts); err != nil {
		return te, err
	}
	if err := p.writeActivityCSV(z, requestID, te.TenantID); err != nil {
		return te, err
	}
	te.Files = append(te.Files, z.files[len(z.files)-3:]...)
	return te, nil
}
