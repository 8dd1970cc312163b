package rtpengine

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// Bencode as the ng protocol uses it: byte strings, integers, lists and
// dictionaries. Values are string, int, []any and map[string]any.

// maxDepth bounds the nesting a reply may have.
const maxDepth = 16

// encode appends v to b in bencode (dictionary keys sorted).
func encode(b *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case string:
		fmt.Fprintf(b, "%d:%s", len(v), v)
	case int:
		fmt.Fprintf(b, "i%de", v)
	case []string:
		b.WriteByte('l')
		for _, s := range v {
			fmt.Fprintf(b, "%d:%s", len(s), s)
		}
		b.WriteByte('e')
	case []any:
		b.WriteByte('l')
		for _, e := range v {
			if err := encode(b, e); err != nil {
				return err
			}
		}
		b.WriteByte('e')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('d')
		for _, k := range keys {
			fmt.Fprintf(b, "%d:%s", len(k), k)
			if err := encode(b, v[k]); err != nil {
				return err
			}
		}
		b.WriteByte('e')
	default:
		return fmt.Errorf("bencode: cannot encode %T", v)
	}
	return nil
}

var errBencode = errors.New("bencode: malformed")

// decode reads one value from data and returns it with the rest.
func decode(data []byte, depth int) (any, []byte, error) {
	if len(data) == 0 || depth > maxDepth {
		return nil, nil, errBencode
	}
	switch c := data[0]; {
	case c == 'i':
		end := bytes.IndexByte(data, 'e')
		if end < 2 {
			return nil, nil, errBencode
		}
		n, err := strconv.Atoi(string(data[1:end]))
		if err != nil {
			return nil, nil, errBencode
		}
		return n, data[end+1:], nil
	case c >= '0' && c <= '9':
		colon := bytes.IndexByte(data, ':')
		if colon < 1 || colon > 10 {
			return nil, nil, errBencode
		}
		n, err := strconv.Atoi(string(data[:colon]))
		if err != nil || n < 0 || n > len(data)-colon-1 {
			return nil, nil, errBencode
		}
		return string(data[colon+1 : colon+1+n]), data[colon+1+n:], nil
	case c == 'l':
		list := []any{}
		rest := data[1:]
		for len(rest) > 0 && rest[0] != 'e' {
			v, r, err := decode(rest, depth+1)
			if err != nil {
				return nil, nil, err
			}
			list, rest = append(list, v), r
		}
		if len(rest) == 0 {
			return nil, nil, errBencode
		}
		return list, rest[1:], nil
	case c == 'd':
		dict := map[string]any{}
		rest := data[1:]
		for len(rest) > 0 && rest[0] != 'e' {
			k, r, err := decode(rest, depth+1)
			key, ok := k.(string)
			if err != nil || !ok {
				return nil, nil, errBencode
			}
			v, r, err := decode(r, depth+1)
			if err != nil {
				return nil, nil, err
			}
			dict[key], rest = v, r
		}
		if len(rest) == 0 {
			return nil, nil, errBencode
		}
		return dict, rest[1:], nil
	}
	return nil, nil, errBencode
}

// decodeDict reads data as exactly one dictionary.
func decodeDict(data []byte) (map[string]any, error) {
	v, rest, err := decode(data, 0)
	if err != nil {
		return nil, err
	}
	d, ok := v.(map[string]any)
	if !ok || len(rest) != 0 {
		return nil, errBencode
	}
	return d, nil
}
