package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"movedesk/desk"
	"movedesk/dupes"
)

// dupPersonJSON is one side of a duplicate pair in `case duplicates --json`.
type dupPersonJSON struct {
	Case       string `json:"case"`
	Member     int    `json:"member"`
	FamilyName string `json:"family_name"`
	GivenNames string `json:"given_names"`
	BirthDate  string `json:"birth_date,omitempty"`
}

type dupPairJSON struct {
	Score  int           `json:"score"`
	Reason string        `json:"reason"`
	A      dupPersonJSON `json:"a"`
	B      dupPersonJSON `json:"b"`
}

func dupPerson(p dupes.Person) dupPersonJSON {
	out := dupPersonJSON{Case: p.Case, Member: p.Member, FamilyName: p.Family, GivenNames: p.Given}
	if !p.Birth.IsZero() {
		out.BirthDate = p.Birth.String()
	}
	return out
}

// newCaseDuplicatesCmd is `case duplicates [CASE]`: the likely duplicate
// travellers across cases, with the same matcher as the app's forms.
func newCaseDuplicatesCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "duplicates [CASE]",
		Short: "List travellers likely recorded twice (in two cases): all pairs, or those of one case",
		Long: `List pairs of travellers of different cases who are likely one person: the
same document number, or names that agree once accents, case and common
transliterations are set aside (Mohammed/Muhammad, Abdul/Abd al-, Zahra/Zohra,
Ramírez/Ramirez, double surnames) with the same birth date (or the day and
month swapped). Each pair has a score (100 the same document number) and the
reason. With CASE, only the pairs of its travellers.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{fmt.Errorf("usage: %s [CASE]", cmd.CommandPath())}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			no := ""
			if len(args) == 1 {
				no = args[0]
			}
			return a.withReadDesk(cmd, func(d *desk.Service) error {
				pairs, err := d.DuplicatePairs(no)
				if err != nil {
					return err
				}
				if asJSON {
					out := make([]dupPairJSON, len(pairs))
					for i, p := range pairs {
						out[i] = dupPairJSON{Score: p.Score, Reason: p.Reason, A: dupPerson(p.A), B: dupPerson(p.B)}
					}
					return writeJSON(a.out, out)
				}
				for _, p := range pairs {
					printf(a.out, "%3d  %s traveller %d  %s  born %s\n", p.Score, p.A.Case, p.A.Member, p.A.Name(), p.A.Birth)
					printf(a.out, "   ~ %s traveller %d  %s  born %s: %s\n", p.B.Case, p.B.Member, p.B.Name(), p.B.Birth, p.Reason)
				}
				switch {
				case len(pairs) == 0 && no != "":
					printf(a.out, "no likely duplicate of a traveller of %s in another case\n", no)
				case len(pairs) == 0:
					printf(a.out, "no likely duplicate travellers\n")
				default:
					printf(a.out, "%d likely duplicate pair(s)\n", len(pairs))
				}
				return nil
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "JSON output: an array of {score, reason, a, b}")
	return c
}
