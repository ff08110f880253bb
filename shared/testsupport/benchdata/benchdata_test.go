package benchdata_test

import (
	"crypto/sha512"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/benchdata"
)

func TestSize(t *testing.T) {
	t.Setenv("BENCHDATA_SIZE", "")
	if size, err := benchdata.Size("BENCHDATA_SIZE", 7); err != nil || size != 7 {
		t.Fatalf("unset: got %d, %v; want the fallback 7", size, err)
	}
	t.Setenv("BENCHDATA_SIZE", "1024")
	if size, err := benchdata.Size("BENCHDATA_SIZE", 7); err != nil || size != 1024 {
		t.Fatalf("set: got %d, %v; want 1024", size, err)
	}
	t.Setenv("BENCHDATA_SIZE", "-1")
	if _, err := benchdata.Size("BENCHDATA_SIZE", 7); err == nil {
		t.Fatal("a negative size was accepted")
	}
}

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "big.bin")
	digest, err := benchdata.WriteFile(path, 3<<20+5)
	if err != nil {
		t.Fatal(err)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha512.Sum512(content)
	if len(content) != 3<<20+5 || hex.EncodeToString(sum[:]) != digest {
		t.Fatalf("wrote %d bytes with a digest that does not match what it returned", len(content))
	}
}
