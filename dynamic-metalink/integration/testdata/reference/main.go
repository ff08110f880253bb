// Command reference is the yardstick of BenchmarkIn: the plain Go loop that
// GETs a file to disk through io.MultiWriter(file, sha512), hashing in series
// with the transfer, then compares the digest.
package main

import (
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
)

func main() {
	if err := fetch(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "reference:", err)
		os.Exit(1)
	}
	fmt.Println("ok")
}

func fetch(url, path, want string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	defer file.Close()
	hash := sha512.New()
	if _, err := io.Copy(io.MultiWriter(file, hash), resp.Body); err != nil {
		return err
	}
	if got := hex.EncodeToString(hash.Sum(nil)); got != want {
		return fmt.Errorf("sha-512 mismatch: %s", got)
	}
	return file.Close()
}
