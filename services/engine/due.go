package engine

import "time"

// DueTime is the legal deadline of a request received at t (Art. 12(3)
// GDPR, computed per Reg. 1182/71 as DPAs apply it): the same calendar day
// of the next month, or the last day of that month when it has no such day,
// moved to the following Monday when it falls on a Saturday or Sunday. The
// deadline is the end of that day (23:59:59 UTC).
func DueTime(t time.Time) time.Time {
	t = t.UTC()
	y, m, d := t.Date()
	first := time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	due := time.Date(first.Year(), first.Month(), d, 23, 59, 59, 0, time.UTC)
	switch due.Weekday() {
	case time.Saturday:
		due = due.AddDate(0, 0, 2)
	case time.Sunday:
		due = due.AddDate(0, 0, 1)
	}
	return due
}
