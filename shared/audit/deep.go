package audit

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/transfer"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// readAll streams t's URL through the verification in's downloads use
// (size, strongest hash, pieces, and the signatures when trust is given),
// keeping none of the bytes. why says how the bytes differ from the file,
// or which signature fails, "" when they are the file; err is a failure to
// read them.
func readAll(ctx context.Context, reader transfer.Handler, t task, trust *verify.Trust) (why string, err error) {
	opts := verify.Options{SkipSignature: trust == nil}
	if trust != nil {
		opts.Trust = *trust
	}
	plan, err := verify.NewPlan(t.file, opts)
	if err != nil {
		// No hash to compare with: the bytes are counted, not proved.
		opts.SkipHash = true
		if plan, err = verify.NewPlan(t.file, opts); err != nil {
			if trust != nil {
				return err.Error(), nil // a signature that can never verify: the copy is not proved
			}
			return "", err
		}
	}
	body, _, err := reader.Open(ctx, t.url, 0)
	if err != nil {
		return "", err
	}
	defer func() { _ = body.Close() }()
	checker := plan.Start()
	sink := &verdictWriter{w: io.MultiWriter(checker.Writers()...)}
	if _, err := io.Copy(sink, body); err != nil && sink.err == nil {
		return "", fmt.Errorf("read: %w", err)
	}
	if sink.err != nil {
		return sink.err.Error(), nil
	}
	if _, err := checker.Finish(); err != nil {
		return err.Error(), nil
	}
	return "", nil
}

// verdictWriter keeps the checks' own failure (too many bytes, a bad
// piece) apart from a failure to read.
type verdictWriter struct {
	w   io.Writer
	err error
}

func (v *verdictWriter) Write(p []byte) (int, error) {
	n, err := v.w.Write(p)
	if err != nil {
		v.err = err
		return n, errors.New("the bytes are not the file's")
	}
	return n, nil
}
