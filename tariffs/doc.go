// Package tariffs holds movedesk's HIT tariff tables and the quote engine
// that prices an itinerary and checks it against the travel rules.
//
// The package is pure: it parses table text it is given (or the embedded
// defaults) and never touches the disk or the store. The CLI loads imported
// versions from the store and hands their text to Parse.
//
// # Table format
//
// A table set is five CSV files, each with a header row naming its columns
// (any order; unknown columns are errors, optional columns may be left out).
// Lines starting with # are comments, blank lines are ignored, fields are
// trimmed, a UTF-8 byte-order mark is accepted, so a spreadsheet export works.
//
//	version.csv   version,effective,description
//	              one row: the set's version id (letters, digits, . _ -) and the
//	              date from which the office applies it.
//	airports.csv  code,city,country,tz
//	              IATA code, city, ISO country (2 letters), IANA time zone.
//	mct.csv       airport,domestic,international
//	              minimum connection times in minutes; airport "*" is the
//	              default for airports without a row.
//	rates.csv     currency,effective,usd
//	              USD value of one unit of currency from the effective date
//	              until the next row of that currency. USD needs no row.
//	fares.csv     id,carrier,origin,destination,via,cabin,fare_basis,pax,
//	              fare,taxes,currency,bag_pieces,bag_kg,valid_from,valid_to,
//	              programme,notes
//	              one fare per row: via lists hub airports separated by "/"
//	              (empty for a nonstop), cabin defaults to Y, pax is ADT, CHD
//	              or INF, amounts are decimals with at most two places,
//	              valid_from and valid_to are inclusive travel dates,
//	              programme (optional) restricts the fare to one programme.
//
// Parse checks every row and returns all errors at once, each naming the
// file, line, column and field: unknown airports, overlapping validity for
// the same carrier, route, cabin, passenger type and programme, negative
// amounts, valid_from after valid_to, currencies without a rate, and so on.
//
// # Quotes
//
// Quote prices every traveller (and escort seat) on every segment, choosing
// through fares where the tables have them, and returns named findings for
// the travel rules (see the Code constants). The form calls it as the user
// types, so it is fast (indexes, no scans) and never fails: problems are
// findings.
package tariffs

//go:generate go run ./internal/gendefaults defaults
