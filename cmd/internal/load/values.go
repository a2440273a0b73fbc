package load

import (
	"net/mail"
	"net/url"
	"strings"
)

// IsSlug reports whether s is an id: ^[a-z0-9]+(-[a-z0-9]+)*$, at most 64 bytes.
func IsSlug(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// IsEmail reports whether s is a plain e-mail address (no display name).
// net/mail decides; an address of the plain form nearly every record
// writes (plainEmail) is one it accepts as written, and is not parsed:
// a cold check meets a hundred thousand of them (FuzzIsEmail holds the
// two to the same answers).
func IsEmail(s string) bool {
	if plainEmail(s) {
		return true
	}
	return parsedEmail(s)
}

// parsedEmail is IsEmail by net/mail alone.
func parsedEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t")
}

// plainEmail reports an address of the form local@domain.tld where the
// local part is letters, digits and "._%+-" and the domain is labels of
// letters, digits and hyphens, neither beginning nor ending with a dot
// nor holding two in a row: dot-atoms of RFC 5322 on both sides, which
// net/mail accepts and returns unchanged. Anything else is left to it.
func plainEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || len(s) > 254 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	return dotAtom(local, "._%+-") && dotAtom(domain, ".-") && strings.IndexByte(domain, '.') > 0
}

// dotAtom reports whether s is letters, digits and the bytes of extra,
// with no dot first, last or beside another.
func dotAtom(s, extra string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.' && s[i-1] == '.':
			return false
		case strings.IndexByte(extra, c) >= 0:
		default:
			return false
		}
	}
	return true
}

// IsURL reports whether s is an absolute http or https URL with a host.
func IsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}

// IsCountry reports whether s is an ISO 3166-1 alpha-2 code in upper case.
func IsCountry(s string) bool {
	return len(s) == 2 && countries[s] != ""
}

// CountryName returns the English short name of an ISO 3166-1 alpha-2 code.
func CountryName(code string) string { return countries[code] }
