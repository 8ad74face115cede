package booking

import "strings"

// alpha3 maps ISO 3166 alpha-3 country codes to alpha-2, for the countries
// movements touch (origins, transits, destinations, nationalities). Records
// may hold either form; rules compare countries through Country2.
var alpha3 = map[string]string{
	"AFG": "AF", "ARE": "AE", "AUS": "AU", "AUT": "AT", "BDI": "BI", "BEL": "BE", "BGD": "BD", "BRA": "BR",
	"CAF": "CF", "CAN": "CA", "CHE": "CH", "CHN": "CN", "CMR": "CM", "COD": "CD", "COG": "CG", "COL": "CO",
	"CUB": "CU", "DEU": "DE", "DNK": "DK", "DZA": "DZ", "EGY": "EG", "ERI": "ER", "ESP": "ES", "ETH": "ET",
	"FIN": "FI", "FRA": "FR", "GBR": "GB", "GRC": "GR", "GTM": "GT", "HND": "HN", "HTI": "HT", "IND": "IN",
	"IRL": "IE", "IRN": "IR", "IRQ": "IQ", "ISL": "IS", "ITA": "IT", "JOR": "JO", "JPN": "JP", "KEN": "KE",
	"LBN": "LB", "LBY": "LY", "MAR": "MA", "MEX": "MX", "MLI": "ML", "MMR": "MM", "NER": "NE", "NGA": "NG",
	"NIC": "NI", "NLD": "NL", "NOR": "NO", "NPL": "NP", "NZL": "NZ", "PAK": "PK", "PAN": "PA", "PHL": "PH",
	"POL": "PL", "PRT": "PT", "PSE": "PS", "QAT": "QA", "RUS": "RU", "RWA": "RW", "SAU": "SA", "SDN": "SD",
	"SEN": "SN", "SLV": "SV", "SOM": "SO", "SSD": "SS", "SWE": "SE", "SYR": "SY", "TCD": "TD", "THA": "TH",
	"TUN": "TN", "TUR": "TR", "TZA": "TZ", "UGA": "UG", "UKR": "UA", "USA": "US", "VEN": "VE", "YEM": "YE",
	"ZAF": "ZA", "ZMB": "ZM", "ZWE": "ZW",
}

// Country2 returns a country code in its alpha-2 form (upper case): an
// alpha-3 code it knows is mapped, anything else is returned as given.
func Country2(code string) string {
	c := strings.ToUpper(strings.TrimSpace(code))
	if a2, ok := alpha3[c]; ok {
		return a2
	}
	return c
}

// SameCountry reports whether two country codes, alpha-2 or alpha-3, name
// the same country.
func SameCountry(a, b string) bool { return a != "" && Country2(a) == Country2(b) }
