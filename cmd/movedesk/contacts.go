package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"movedesk/booking"
	"movedesk/desk"
	"movedesk/store"
)

// contactFlags are the fields of a contact as flags.
type contactFlags struct {
	traveller                          int
	name, relation, phone, email, addr string
}

func (cf *contactFlags) bind(c *cobra.Command) {
	c.Flags().IntVar(&cf.traveller, "traveller", 0, "the traveller (member number) this contact reaches")
	c.Flags().StringVar(&cf.name, "name", "", "who, when not a traveller (a sponsor, a relative)")
	c.Flags().StringVar(&cf.relation, "relation", "", "with --name: "+strings.Join(booking.ContactRelations, ", "))
	c.Flags().StringVar(&cf.phone, "phone", "", "phone number: digits, a leading +, spaces or dashes")
	c.Flags().StringVar(&cf.email, "email", "", "e-mail address")
	c.Flags().StringVar(&cf.addr, "address", "", "postal address")
}

// apply sets the flags given on c onto x (all of them for a new contact).
func (cf *contactFlags) apply(c *cobra.Command, x *booking.Contact) {
	set := func(flag string) bool { return c.Flags().Changed(flag) }
	if set("traveller") {
		x.Traveller = cf.traveller
		if cf.traveller > 0 {
			x.Name, x.Relation = "", ""
		}
	}
	if set("name") {
		x.Name = cf.name
		if !set("traveller") {
			x.Traveller = 0
		}
	}
	if set("relation") {
		x.Relation = cf.relation
	}
	if set("phone") {
		x.Phone = cf.phone
	}
	if set("email") {
		x.Email = cf.email
	}
	if set("address") {
		x.Address = cf.addr
	}
}

func printContact(w io.Writer, f *booking.CaseFile, c *booking.Contact) {
	var how []string
	if c.Phone != "" {
		how = append(how, "phone "+c.Phone)
	}
	if c.Email != "" {
		how = append(how, "e-mail "+c.Email)
	}
	if c.Address != "" {
		how = append(how, "address "+c.Address)
	}
	state := ""
	if c.Removed {
		state = " [removed: " + c.RemovedReason + "]"
	}
	printf(w, "%-14s %s: %s%s\n", c.ID, f.ContactWhom(c), strings.Join(how, " · "), state)
}

func newCaseContactCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "contact", Short: "A case's contacts: phone, e-mail and address of a traveller, a sponsor or a relative"}
	var asJSON, all bool
	list := &cobra.Command{
		Use:   "list CASE",
		Short: "List the case's contacts (--all: with those removed)",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withRead(cmd, func(s *store.Store) error {
				f, err := s.CaseFile(args[0])
				if err != nil {
					return err
				}
				shown := f.ActiveContacts()
				if all {
					shown = f.Contacts
				}
				if asJSON {
					return writeJSON(a.out, append([]booking.Contact{}, shown...))
				}
				for i := range shown {
					printContact(a.out, f, &shown[i])
				}
				if len(shown) == 0 {
					printf(a.out, "%s has no contacts (movedesk case contact add %s ...)\n", f.Case.Number, f.Case.Number)
				}
				return nil
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "JSON output (an array of contacts)")
	list.Flags().BoolVar(&all, "all", false, "also the contacts removed as corrections")

	var addF contactFlags
	add := &cobra.Command{
		Use:   "add CASE (--traveller N | --name NAME --relation R) [--phone P] [--email E] [--address A]",
		Short: "Add a contact to the case",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(d *desk.Service) error {
				var x booking.Contact
				addF.apply(cmd, &x)
				got, err := d.AddContact(a.cfg.User, args[0], x)
				if err != nil {
					return err
				}
				printf(a.out, "%s: contact %s added\n", args[0], got.ID)
				return nil
			})
		},
	}
	addF.bind(add)

	var setF contactFlags
	set := &cobra.Command{
		Use:   "set CASE ID [--traveller N | --name NAME --relation R] [--phone P] [--email E] [--address A]",
		Short: "Correct a contact: the fields given change, the others stay (an empty value clears one)",
		Args:  exactArgs(2, "CASE ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(d *desk.Service) error {
				f, err := d.Store().CaseFile(args[0])
				if err != nil {
					return err
				}
				old := f.Contact(args[1])
				if old == nil {
					return booking.Errorf(booking.ENOTFOUND, "contact", "case %s has no contact %s", args[0], args[1])
				}
				x := *old
				setF.apply(cmd, &x)
				if _, err := d.ChangeContact(a.cfg.User, args[0], args[1], x); err != nil {
					return err
				}
				printf(a.out, "%s: contact %s changed\n", args[0], args[1])
				return nil
			})
		},
	}
	setF.bind(set)

	var reason string
	remove := &cobra.Command{
		Use:   "remove CASE ID --reason TEXT",
		Short: "Remove a contact as a correction (it stays in the history with the reason)",
		Args:  exactArgs(2, "CASE ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(d *desk.Service) error {
				if _, err := d.RemoveContact(a.cfg.User, args[0], args[1], reason); err != nil {
					return err
				}
				printf(a.out, "%s: contact %s removed (%s)\n", args[0], args[1], reason)
				return nil
			})
		},
	}
	remove.Flags().StringVar(&reason, "reason", "", "why it is removed (required)")
	c.AddCommand(list, add, set, remove)
	return c
}

// commLine is one log entry as the CLI and the app list it.
func commLine(f *booking.CaseFile, e *booking.CommEntry) string {
	arrow := "→"
	if e.Direction == "in" {
		arrow = "←"
	}
	s := fmt.Sprintf("%s %s %s %s: %s (%s)", e.When, e.Channel, arrow, e.Who, e.Text, e.By)
	if e.Corrects != "" {
		verb := "corrects"
		if e.Void {
			verb = "withdraws"
		}
		s += " [" + verb + " " + e.Corrects + "]"
	}
	if by := f.CorrectedBy(e.ID); by != nil {
		s += " [corrected by " + by.ID + "]"
	}
	return s
}

// commFlags are the fields of a log entry as flags.
type commFlags struct {
	when, channel, direction, who, text string
	void                                bool
}

func (cf *commFlags) bind(c *cobra.Command) {
	c.Flags().StringVar(&cf.when, "when", "", "when it happened, YYYY-MM-DD HH:MM (default now)")
	c.Flags().StringVar(&cf.channel, "channel", "", strings.Join(booking.CommChannels, ", "))
	c.Flags().StringVar(&cf.direction, "direction", "", "in (they reached us) or out (we reached them)")
	c.Flags().StringVar(&cf.who, "who", "", "with whom")
	c.Flags().StringVar(&cf.text, "text", "", `what was said or done ("documents requested by phone")`)
}

// apply sets the flags given onto e; when is now unless given or kept.
func (cf *commFlags) apply(c *cobra.Command, e *booking.CommEntry, now booking.LocalTime) error {
	set := func(flag string) bool { return c.Flags().Changed(flag) }
	switch {
	case set("when"):
		w, err := booking.ParseLocalTime(cf.when)
		if err != nil {
			return booking.Errorf(booking.EINVALID, "when", "%v", err)
		}
		e.When = w
	case e.When.IsZero():
		e.When = now
	}
	for flag, p := range map[string]*string{"channel": &e.Channel, "direction": &e.Direction, "who": &e.Who, "text": &e.Text} {
		if set(flag) {
			*p = map[string]string{"channel": cf.channel, "direction": cf.direction, "who": cf.who, "text": cf.text}[flag]
		}
	}
	return nil
}

func newCaseLogCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "log", Short: "A case's communication log: calls, e-mails, visits, letters and SMS, append-only with corrections"}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list CASE",
		Short: "List the communication log in the order things happened",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withRead(cmd, func(s *store.Store) error {
				f, err := s.CaseFile(args[0])
				if err != nil {
					return err
				}
				log := f.CommLog()
				if asJSON {
					return writeJSON(a.out, append([]booking.CommEntry{}, log...))
				}
				for i := range log {
					printf(a.out, "%-14s %s\n", log[i].ID, commLine(f, &log[i]))
				}
				if len(log) == 0 {
					printf(a.out, "%s has nothing in its communication log\n", f.Case.Number)
				}
				return nil
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "JSON output (an array of entries)")

	var addF commFlags
	add := &cobra.Command{
		Use:   "add CASE --channel C --direction in|out --who W --text T [--when 'YYYY-MM-DD HH:MM']",
		Short: "Log a communication",
		Args:  exactArgs(1, "CASE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(d *desk.Service) error {
				var e booking.CommEntry
				if err := addF.apply(cmd, &e, nowLocal(a)); err != nil {
					return err
				}
				got, err := d.LogComm(a.cfg.User, args[0], e)
				if err != nil {
					return err
				}
				printf(a.out, "%s: log entry %s added\n", args[0], got.ID)
				return nil
			})
		},
	}
	addF.bind(add)

	var fixF commFlags
	correct := &cobra.Command{
		Use:   "correct CASE ID [--text T] [--channel C] [--direction D] [--who W] [--when W] [--void]",
		Short: "Correct a log entry with a new one (fields not given are the entry's); --void withdraws it (--text says why)",
		Args:  exactArgs(2, "CASE ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDesk(cmd, func(d *desk.Service) error {
				f, err := d.Store().CaseFile(args[0])
				if err != nil {
					return err
				}
				old := f.CommEntry(args[1])
				if old == nil {
					return booking.Errorf(booking.ENOTFOUND, "corrects", "case %s has no log entry %s", args[0], args[1])
				}
				e := booking.CommEntry{When: old.When, Channel: old.Channel, Direction: old.Direction, Who: old.Who, Text: old.Text,
					Corrects: old.ID, Void: fixF.void}
				if err := fixF.apply(cmd, &e, nowLocal(a)); err != nil {
					return err
				}
				if fixF.void && !cmd.Flags().Changed("text") {
					return usageError{fmt.Errorf("--void needs --text saying why the entry is withdrawn")}
				}
				got, err := d.LogComm(a.cfg.User, args[0], e)
				if err != nil {
					return err
				}
				printf(a.out, "%s: log entry %s corrects %s\n", args[0], got.ID, old.ID)
				return nil
			})
		},
	}
	fixF.bind(correct)
	correct.Flags().BoolVar(&fixF.void, "void", false, "withdraw the entry (entered in error)")
	c.AddCommand(list, add, correct)
	return c
}

// nowLocal is the desk's clock to the minute, as a log entry's time.
func nowLocal(a *app) booking.LocalTime {
	t, _ := booking.ParseLocalTime(a.clock().Format("2006-01-02T15:04"))
	return t
}
