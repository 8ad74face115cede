package store

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"movedesk/booking"
)

// A row is a Summary in a compact separated form: decoding 100k of them must
// stay well under the first-frame budget, which JSON would not.
const rowSep = '\x1f'

const rowFields = 16

func encodeRow(s *booking.Summary) []byte {
	parts := []string{
		"1", s.Number, s.Office, s.Programme, string(s.Status), strconv.Itoa(s.Priority),
		s.Principal, strconv.Itoa(s.Size), s.DestAirport, s.DestCity, s.Received.String(),
		s.TravelReady.String(), s.Departure.String(), s.Assignee, s.ABNNumber, strings.Join(s.Needs, ","),
	}
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteByte(rowSep)
		}
		b.WriteString(strings.ReplaceAll(p, string(rowSep), " "))
	}
	b.WriteByte(rowSep)
	b.WriteString(s.Names)
	return b.Bytes()
}

func decodeRow(b []byte) (booking.Summary, error) {
	var s booking.Summary
	// One string for the whole row; fields are substrings of it, so a row
	// costs one allocation besides the needs list.
	rest := string(b)
	var parts [rowFields + 1]string
	for i := 0; i < rowFields; i++ {
		j := strings.IndexByte(rest, rowSep)
		if j < 0 {
			return s, fmt.Errorf("bad row format")
		}
		parts[i], rest = rest[:j], rest[j+1:]
	}
	parts[rowFields] = rest
	if parts[0] != "1" {
		return s, fmt.Errorf("bad row format version %q", parts[0])
	}
	var err error
	date := func(v string) booking.Date {
		d, e := booking.ParseDate(v)
		if e != nil && err == nil {
			err = e
		}
		return d
	}
	s.Number, s.Office, s.Programme, s.Status = parts[1], parts[2], parts[3], booking.Status(parts[4])
	s.Priority, _ = strconv.Atoi(parts[5])
	s.Principal = parts[6]
	s.Size, _ = strconv.Atoi(parts[7])
	s.DestAirport, s.DestCity = parts[8], parts[9]
	s.Received, s.TravelReady, s.Departure = date(parts[10]), date(parts[11]), date(parts[12])
	s.Assignee, s.ABNNumber = parts[13], parts[14]
	if parts[15] != "" {
		s.Needs = strings.Split(parts[15], ",")
	}
	s.Names = parts[16]
	return s, err
}
