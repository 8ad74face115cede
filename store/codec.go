package store

// Codec turns stored values into bytes on disk and back. Every record, log
// entry and row passes through it, so encryption at rest is one Codec.
type Codec interface {
	// Name is recorded in the store, so a store is never read with the
	// wrong codec.
	Name() string
	// Seal returns the on-disk form of plain.
	Seal(plain []byte) ([]byte, error)
	// Open returns the plain form of sealed. The result may alias sealed.
	Open(sealed []byte) ([]byte, error)
}

// PlainCodec stores values as they are.
type PlainCodec struct{}

// Name implements Codec.
func (PlainCodec) Name() string { return "plain" }

// Seal implements Codec.
func (PlainCodec) Seal(p []byte) ([]byte, error) { return p, nil }

// Open implements Codec.
func (PlainCodec) Open(s []byte) ([]byte, error) { return s, nil }
