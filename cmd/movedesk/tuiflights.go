package main

import (
	"path/filepath"

	"movedesk/booking"
	"movedesk/desk"
	"movedesk/flights"
	"movedesk/store"
)

// storeFlights adapts the store's flight index to tui.FlightSource: the
// same reads as `movedesk flight list|show|manifest`.
type storeFlights struct {
	s   *store.Store
	d   *desk.Service
	dir string
}

// Flights implements tui.FlightSource.
func (sf storeFlights) Flights(from, to booking.Date) ([]flights.Summary, error) {
	return sf.s.FlightList(from, to, flightCaps(sf.d))
}

// Flight implements tui.FlightSource.
func (sf storeFlights) Flight(k flights.Key) (*flights.Flight, error) {
	files, err := sf.s.FlightFiles(k)
	if err != nil {
		return nil, err
	}
	opt, err := flightOptions(sf.d)
	if err != nil {
		return nil, err
	}
	return flights.Build(k, files, opt), nil
}

// SaveManifest implements tui.FlightSource: CSV, as `flight manifest
// --csv --out`, in a private file in the data directory named after the
// flight and the recipient.
func (sf storeFlights) SaveManifest(m *flights.Manifest) (string, error) {
	path := filepath.Join(sf.dir, "manifest-"+m.Flight.Carrier+m.Flight.Flight+"-"+m.Flight.Date.String()+"-"+string(m.Recipient)+".csv")
	f, err := openPrivate(path)
	if err != nil {
		return "", err
	}
	if err := writeManifestCSV(f, m); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}
