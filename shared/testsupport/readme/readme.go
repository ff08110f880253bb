// Package readme finds the fenced code blocks of the project's README, so
// that tests run its recipes as they are written rather than a copy that
// could drift from them.
package readme

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Block is one fenced code block: its language tag and its text.
type Block struct {
	Lang string
	Text string
}

// Blocks are the fenced (```) code blocks of markdown, in order. A fence
// may be indented, as in a list item; the block's lines lose that indent.
func Blocks(markdown string) []Block {
	var blocks []Block
	var current *Block
	indent := ""
	for line := range strings.Lines(markdown) {
		trimmed := strings.TrimLeft(line, " ")
		if fence, ok := strings.CutPrefix(trimmed, "```"); ok {
			if current == nil {
				indent = line[:len(line)-len(trimmed)]
				current = &Block{Lang: strings.TrimSpace(fence)}
				continue
			}
			blocks = append(blocks, *current)
			current = nil
			continue
		}
		if current != nil {
			current.Text += strings.TrimPrefix(line, indent)
		}
	}
	return blocks
}

// Find is the one block of the README at path whose text starts with
// start, or an error saying how many there are.
func Find(path, start string) (string, error) {
	data, err := os.ReadFile(filepath.Clean(path))
	if err != nil {
		return "", err
	}
	var found []string
	for _, b := range Blocks(string(data)) {
		if strings.HasPrefix(b.Text, start) {
			found = append(found, b.Text)
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%s: %d code blocks start with %q, expected 1", path, len(found), start)
	}
	return found[0], nil
}
