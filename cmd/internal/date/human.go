package date

import (
	"strconv"
	"time"
)

// Locales are the languages Human writes dates in; "" means "en".
var Locales = []string{"en", "de", "fr", "es"}

var months = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
}

// Human writes d as people read it in locale: "15 March 2025" (en),
// "15. März 2025" (de), "15 mars 2025" (fr), "15 de marzo de 2025" (es).
// Each is what the browser's Intl.DateTimeFormat writes for the same
// locale (en as en-GB) with day "numeric", month "long" and year
// "numeric", so that a page the visitor's script rewrites reads the
// same. An unknown locale is "en"; an invalid or zero date is "".
func Human(d Date, locale string) string {
	if !d.Valid() {
		return ""
	}
	y, m, day := d.YMD()
	names, ok := months[locale]
	if !ok {
		names, locale = months["en"], "en"
	}
	b := make([]byte, 0, 24)
	b = strconv.AppendInt(b, int64(day), 10)
	switch locale {
	case "de":
		b = append(b, ". "...)
	case "es":
		b = append(b, " de "...)
	default:
		b = append(b, ' ')
	}
	b = append(b, names[m-time.January]...)
	if locale == "es" {
		b = append(b, " de "...)
	} else {
		b = append(b, ' ')
	}
	return string(strconv.AppendInt(b, int64(y), 10))
}
