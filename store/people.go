package store

// CaseNumbers calls fn with every case number, in order, without reading
// the cases (the rows bucket's keys).
func (tx *Tx) CaseNumbers(fn func(no string) error) error {
	c := tx.btx.Bucket(bRows).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if err := fn(string(k)); err != nil {
			return err
		}
	}
	return nil
}
