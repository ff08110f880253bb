// Package planted holds the password that fuzz targets plant in URLs'
// userinfo, and the check that an error message does not show it.
package planted

import "strings"

// Password stands in URL userinfo in the seeds; no error may repeat it, nor
// its first half (an excerpt cut inside it).
const Password = "Pl4ntedPassw0rd"

// half is the excerpt a message must not show either.
var half = Password[:len(Password)/2]

// Shown reports whether msg, an error about input, shows the password
// planted in input. It judges only inputs that hold the password solely as
// a URL's password (elsewhere it is not a secret). The half counts only when
// input does not spell it outside the passwords too — a scheme or a host
// named "Pl4nted" may be quoted.
func Shown(input, msg string) bool {
	if !onlyInUserinfo(input) {
		return false
	}
	if strings.Contains(msg, Password) {
		return true
	}
	return strings.Contains(msg, half) && !strings.Contains(strings.ReplaceAll(input, Password, ""), half)
}

// onlyInUserinfo reports whether input holds Password, and only as the
// password of a URL: after "scheme://user:", before '@', with nothing
// between "://" and '@' that ends an authority or a value.
func onlyInUserinfo(input string) bool {
	found := false
	for i := 0; ; {
		at := strings.Index(input[i:], Password)
		if at < 0 {
			return found
		}
		start, end := i+at, i+at+len(Password)
		sep := strings.LastIndex(input[:start], "://")
		if sep < 0 || end >= len(input) || input[end] != '@' || input[start-1] != ':' ||
			strings.ContainsAny(input[sep+3:start], "/@ \t\r\n\"'<>&\\#?") {
			return false
		}
		found = true
		i = end
	}
}
