package load

// maxNesting is how deeply a program file may nest tables, arrays and
// inline tables (counting dotted keys and header segments). The format
// needs five; BurntSushi/toml recurses once per level, so `x = [[[…]]]`
// two million deep overflows the stack and `{a={a=…}}` ten thousand deep
// takes a minute and gigabytes: such input is refused before the decoder
// or tomlpos sees it.
const maxNesting = 32

// container is an open array or inline table, and the level its parent
// was at.
type container struct {
	kind  byte // '[' or '{'
	level int
}

// prescan returns the position of the first place where data nests
// deeper than maxNesting, or ok. It is a single pass that knows only
// strings, comments, brackets and dots; anything it misreads in invalid
// TOML is the decoder's to report.
func prescan(data []byte) (line, col int, ok bool) {
	var stack []container
	line, lineStart := 1, 0
	header := 0    // levels of the current [table]
	level := 0     // level the current keys are at
	segs := 0      // segments of the key being read
	value := false // reading a value, not a key
	valueLevel := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		deep := false
		switch {
		case c == '\n':
			line, lineStart = line+1, i+1
			if len(stack) == 0 {
				value, segs, level = false, 0, header
			}
		case c == '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			if !value && segs == 0 {
				segs = 1
			}
			i, line, lineStart = skipString(data, i, line, lineStart)
		case c == ' ' || c == '\t' || c == '\r':
		case !value && len(stack) == 0 && segs == 0 && c == '[':
			// A [table] or [[array]] header: its dotted segments are its
			// depth, and one more for an element of an array.
			n := 1
			if i+1 < len(data) && data[i+1] == '[' {
				n++
				i++
			}
			for i+1 < len(data) && data[i+1] != ']' && data[i+1] != '\n' {
				i++
				switch data[i] {
				case '.':
					n++
				case '"', '\'':
					i, line, lineStart = skipString(data, i, line, lineStart)
				}
			}
			header, level = n, n
			deep = n > maxNesting
		case !value && c == '.':
			segs++
			deep = level+segs > maxNesting
		case !value && c == '=':
			value, valueLevel, segs = true, level+max(segs, 1), 0
		case !value && c == ',' || !value && c == '}':
			if len(stack) > 0 && stack[len(stack)-1].kind == '{' && c == '}' {
				level = stack[len(stack)-1].level
				stack = stack[:len(stack)-1]
				value, segs = true, 0
			}
		case !value:
			if segs == 0 {
				segs = 1
			}
		case c == '[' || c == '{':
			stack = append(stack, container{c, level})
			level = valueLevel
			deep = valueLevel+1 > maxNesting
			if c == '[' {
				valueLevel = level + 1
			} else {
				value, segs = false, 0
			}
		case c == ']' || c == '}':
			if len(stack) > 0 {
				level = stack[len(stack)-1].level
				stack = stack[:len(stack)-1]
			}
			// After an element of an array its siblings are one level
			// below the array again.
			if len(stack) > 0 && stack[len(stack)-1].kind == '[' {
				valueLevel = level + 1
			}
		case c == ',':
			if len(stack) > 0 && stack[len(stack)-1].kind == '{' {
				value, segs = false, 0
			}
		}
		if deep {
			return line, i - lineStart + 1, false
		}
	}
	return 0, 0, true
}

// skipString returns the index of the closing quote of the string that
// opens at data[i] (or the end of data), with the line count updated
// for multi-line strings.
func skipString(data []byte, i, line, lineStart int) (int, int, int) {
	q := data[i]
	multi := i+2 < len(data) && data[i+1] == q && data[i+2] == q
	if multi {
		i += 2
	}
	for i++; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\\' && q == '"':
			i++
			if i < len(data) && data[i] == '\n' {
				line, lineStart = line+1, i+1
			}
		case c == '\n' && !multi:
			return i - 1, line, lineStart // unterminated: the decoder says so
		case c == '\n':
			line, lineStart = line+1, i+1
		case c == q && !multi:
			return i, line, lineStart
		case c == q && i+2 < len(data) && data[i+1] == q && data[i+2] == q:
			// A multi-line string may end with up to two more quotes.
			i += 2
			for i+1 < len(data) && data[i+1] == q {
				i++
			}
			return i, line, lineStart
		}
	}
	return i, line, lineStart
}
