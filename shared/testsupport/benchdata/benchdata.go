// Package benchdata makes the inputs of the benchmarks: sizes chosen by
// environment variables and large files written without holding them in memory.
package benchdata

import (
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Size reads a positive byte count from the environment variable name, or
// returns fallback when it is unset.
func Size(name string, fallback int64) (int64, error) {
	text := os.Getenv(name)
	if text == "" {
		return fallback, nil
	}
	size, err := strconv.ParseInt(text, 10, 64)
	if err != nil || size <= 0 {
		return 0, fmt.Errorf("%s=%q is not a positive number of bytes", name, text)
	}
	return size, nil
}

// WriteFile streams size pseudo-random bytes to path, creating its parent
// directories, and returns their sha-512 in hex.
func WriteFile(path string, size int64) (string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	file, err := os.Create(path)
	if err != nil {
		return "", err
	}
	hash := sha512.New()
	_, err = io.CopyN(io.MultiWriter(file, hash), rand.NewChaCha8([32]byte{42}), size)
	if closeErr := file.Close(); err == nil {
		err = closeErr
	}
	return hex.EncodeToString(hash.Sum(nil)), err
}
