package verify

// PreferSHA256 makes the hash choice as if sha-256 were (or were not) the
// faster on this CPU, for the duration of a test.
func PreferSHA256(faster bool) (restore func()) {
	saved := sha256IsFaster
	sha256IsFaster = func() bool { return faster }
	return func() { sha256IsFaster = saved }
}
