package metalink

import "errors"

// Parse reads a document in any supported format: JSON (first non-space byte
// '{'), meta4 XML, or Metalink 3.0 XML. A BOM and leading whitespace are skipped.
func Parse(data []byte) (Metalink, error) { return Metalink{}, errors.New("metalink: Parse not implemented") }

// MarshalXML writes m as meta4 XML with an XML declaration and the RFC 5854 namespace.
func MarshalXML(m Metalink) ([]byte, error) { return nil, errors.New("metalink: MarshalXML not implemented") }

// MarshalJSON writes m in the plural-key JSON form.
func MarshalJSON(m Metalink) ([]byte, error) { return nil, errors.New("metalink: MarshalJSON not implemented") }

// ValidateName rejects file names that could escape a destination directory:
// empty, absolute, containing "..", a backslash or NUL.
func ValidateName(name string) error { return errors.New("metalink: ValidateName not implemented") }

// Validate checks a parsed document: at least one file, every name valid.
func (m Metalink) Validate() error { return errors.New("metalink: Validate not implemented") }
