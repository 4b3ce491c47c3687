package access

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// csvContact is what contact.csv needs of one contact.
type csvContact struct {
	ID     int64      `json:"id"`
	Fields []fieldDoc `json:"fields"`
}

// writeDataJSON streams tenants/<id>/data.json from the tenant's part:
// contacts in order, each followed by its whole activity array, never held
// in memory. It returns the contacts' fields for contact.csv.
func (p *Packager) writeDataJSON(z *zipOut, requestID, tenantID, generatedAt string) ([]csvContact, error) {
	if err := z.begin("tenants/" + tenantID + "/data.json"); err != nil {
		return nil, err
	}
	head, _ := json.Marshal(map[string]string{"schemaVersion": SchemaVersion, "tenantId": tenantID, "generatedAt": generatedAt})
	z.Write(head[:len(head)-1])
	z.WriteString(`,"contacts":[`)
	var contacts []csvContact
	firstEvent := true
	_, err := p.walkPart(requestID, tenantID, partVisitor{
		contact: func(raw []byte) error {
			var c csvContact
			if err := json.Unmarshal(raw, &c); err != nil || len(raw) < 2 || raw[len(raw)-1] != '}' {
				return errors.Join(ErrCorrupt, err)
			}
			if len(contacts) > 0 {
				z.WriteString("]},")
			}
			contacts = append(contacts, c)
			z.Write(raw[:len(raw)-1])
			_, err := z.WriteString(`,"activity":[`)
			firstEvent = true
			return err
		},
		event: func(raw []byte) error {
			var ev partEvent
			if err := decodeEvent(raw, &ev); err != nil || len(contacts) == 0 {
				return ErrCorrupt
			}
			if !firstEvent {
				z.WriteString(",")
			}
			firstEvent = false
			_, err := z.Write(ev.Raw)
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	if len(contacts) > 0 {
		z.WriteString("]}")
	}
	if _, err := z.WriteString("]}"); err != nil {
		return nil, err
	}
	_, err = z.end()
	return contacts, err
}

// writeContactCSV writes tenants/<id>/contact.csv like Mautic's contact
// export (alias,value; one row per profile field), with a contactId column
// when there are several contacts.
func writeContactCSV(z *zipOut, tenantID string, contacts []csvContact) error {
	if err := z.begin("tenants/" + tenantID + "/contact.csv"); err != nil {
		return err
	}
	w := csv.NewWriter(z)
	multi := len(contacts) > 1
	row := func(id int64, alias, value string) {
		if multi {
			_ = w.Write([]string{strconv.FormatInt(id, 10), alias, value})
		} else {
			_ = w.Write([]string{alias, value})
		}
	}
	if multi {
		_ = w.Write([]string{"contactId", "alias", "value"})
	} else {
		_ = w.Write([]string{"alias", "value"})
	}
	for _, c := range contacts {
		row(c.ID, "id", strconv.FormatInt(c.ID, 10))
		for _, f := range c.Fields {
			row(c.ID, f.Alias, cellValue(f.Value))
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	_, err := z.end()
	return err
}

// activityHeader is the first row of activity.csv.
var activityHeader = []string{"contactId", "timestamp", "event", "eventType", "eventLabel", "eventId", "details"}

// writeActivityCSV streams tenants/<id>/activity.csv, one row per event.
func (p *Packager) writeActivityCSV(z *zipOut, requestID, tenantID string) error {
	if err := z.begin("tenants/" + tenantID + "/activity.csv"); err != nil {
		return err
	}
	w := csv.NewWriter(z)
	_ = w.Write(activityHeader)
	rec := make([]string, len(activityHeader))
	_, err := p.walkPart(requestID, tenantID, partVisitor{
		event: func(raw []byte) error {
			var ev partEvent
			if err := decodeEvent(raw, &ev); err != nil {
				return err
			}
			rec[0], rec[1], rec[2], rec[3] = strconv.FormatInt(ev.ContactID, 10), string(ev.Timestamp), safeCell(string(ev.Event)), safeCell(string(ev.EventType))
			rec[4], rec[5], rec[6] = safeCell(string(ev.Label)), safeCell(string(ev.EventID)), string(ev.Details)
			return w.Write(rec)
		},
	})
	if err != nil {
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	_, err = z.end()
	return err
}

// cellValue renders a JSON field value as a CSV cell: strings unquoted,
// null empty, numbers and booleans literally, anything else as JSON.
func cellValue(v json.RawMessage) string {
	s := strings.TrimSpace(string(v))
	switch {
	case s == "" || s == "null":
		return ""
	case s[0] == '"':
		var str string
		if json.Unmarshal(v, &str) == nil {
			return safeCell(str)
		}
	}
	return s
}

// safeCell neutralises spreadsheet formulas (CSV injection): a text value
// starting with =, +, -, @, tab or CR gets a leading apostrophe, unless it
// is a plain number.
func safeCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return s
	}
	return "'" + s
}
