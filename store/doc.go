// Package store keeps one desk's records in a bbolt file and is the only
// package that imports bbolt. Every write goes through Tx.Put (or the sync
// apply path), which appends a field-level change-log entry in the same
// transaction: nothing reaches the records without reaching the log.
//
// The bucket tree (schema 11; see migrations.go for what each added):
//
//	meta/
//	  magic    "movedesk-store"
//	  schema   uint64 big-endian: the schema version (see migrations.go)
//	  desk     this desk's id, the prefix of every op id it makes
//	  hlc      uint64 big-endian: the highest clock value issued or seen
//	  reportfacts uint64 big-endian: the reports.FactsVersion of reportrows/
//	  codec, keycheck  the codec's name; magic sealed with the key
//	  slots/   <user> | pin:<user>   a key slot: the data key wrapped for a
//	                                 user (package auth), readable without it
//	records/
//	  <case>                         the case            (codec(JSON object))
//	  <case>/traveller/<NN>          a traveller
//	  <case>/document/<NN>/<id>      a traveller's document
//	  <case>/<kind>/<id>...          any other record of the case; ids made at a
//	                                 desk carry its id (booking.NewID): b2-<desk>
//	  <case>/abn/<n>/<NNN>[-<desk>]  an ABN version (two desks may issue one NNN);
//	                                 encrypted: <n> is a keyed hash (slots.go)
//	  <case>/custody/<NN>/<doc>/<id> one custody event (a bare .../<doc> is an
//	                                 older whole trail)
//	  <case>/action/<id>             a counselling action item
//	  <case>/review                  the four-eyes decision on the case's booking
//	  <case>/conflict/<id>           a sync conflict, synced to the office's desks
//	                                 (conflict_sync.go; indexed in replica/conflicts)
//	  ~<kind>/<id>                   shared records (tariff sets, templates, escorts)
//	  ~user/<office>/<name>          an office's users (a desk holds its own office's)
//	  ~four-eyes/<office>            an office's four-eyes policy (its desks only)
//	log/
//	  <seq uint64 BE>                codec(JSON change.Op), local order
//	hist/
//	  <case> 0x00 <seq uint64 BE>    empty: the ops of one case, for history
//	rows/
//	  <case>                         codec(summary row): what a queue row shows
//	reportrows/                      (schema 8, pages packed 90% full since 11; reportrows.go)
//	  <case>                         codec(binary reports.CaseFacts): what the reports
//	                                 read of the case, refreshed with its queue row
//	identities/                      (identities.go)
//	  <case>                         codec(binary rows): each traveller's names, birth
//	                                 date and numbered documents, for the duplicate check
//	reportgates/                     (made with the report rows; reportrows.go)
//	  <case>                         codec(reports.AppendGateItems): the open gate items
//	                                 judged when the row was written (none: no key)
//	idx/
//	  status/    <status>    0x00 <case>
//	  office/    <office>    0x00 <case>
//	  assignee/  <assignee>  0x00 <case>
//	  ready/     <YYYY-MM-DD> 0x00 <case>   travel-ready date
//	  departure/ <YYYY-MM-DD> 0x00 <case>
//	  abn/       <abn number> 0x00 <case>    encrypted: a keyed hash of it
//	flights/                         (flightidx.go) kept with the case's rows and indexes
//	  byflight/  <YYYY-MM-DD> 0x00 <carrier><flight> 0x00 <case>
//	                                 codec(flights.Entry): the party's counts on that
//	                                 carrier-flight-date (local departure day)
//	  bycase/    <case>              its byflight keys without the case, 0x1e-joined
//	replica/                         (schema 2, sync; see replica.go)
//	  meta/      pushed, cursor      uint64 BE: own ops acked up to, hub log pulled up to
//	  applied/   @<desk>             uint64: highest seq of that desk merged here
//	  conflicts/ <id>                codec(JSON Conflict): both values of a same-field clash,
//	                                 found here or merged from a <case>/conflict/<id> record
//	  own/       <pos uint64 BE>     empty: an own op to push is at log position pos (schema 4),
//	                                 written with the op: what to push and what waits are
//	                                 found without scanning other desks' ops
//	chain/                           (schema 6; see chain.go)
//	  log/       <pos uint64 BE>     hash: links the op at pos to the one before
//	  desks/     <desk> 0x00 <seq>   digest, hash: a desk's chain as the hub received it
//	  own                            seq, hash: this desk's chain up to its last acked op
//	access/    <n uint64 BE>         codec(JSON AccessEntry): who opened which case's
//	                                 personal data here; local, capped (access.go; schema 7)
//
// Values in records, log, rows, report rows, identities and flights/byflight pass
// through the Codec, the seam where encryption at rest plugs in. Index keys
// carry no personal data (flight index keys: dates, flight numbers and case
// numbers).
package store
