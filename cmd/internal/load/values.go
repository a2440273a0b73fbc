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
func IsEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t")
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
