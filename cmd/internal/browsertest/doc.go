// Package browsertest holds the tests that open the published site in a real
// browser: what a static build cannot show by its files alone.
//
// In: the example program of this repository, built once with
// "accredit build --as-of 2026-11-22", served by net/http/httptest, and a
// headless Chromium (chromium, chromium-browser or google-chrome on PATH)
// driven over the DevTools protocol with github.com/chromedp/chromedp.
// Out: test results only; the package has no code besides its tests.
//
// The tests check that a verification page shows the status as of the
// visitor's own date (with the build's status when scripts are off), that
// the id lookup at /verify/ catches typing mistakes and unknown ids, that
// the keyboard reaches everything with a visible focus, that pages log no
// errors and request nothing outside the site, that axe-core finds no
// serious or critical accessibility violations, that a verification page
// prints on one page, and that "Download badge with credential" on a
// signed build's page (built in the test, with a stand-in .ob3.json)
// downloads the badge's PNG with the credential baked in.
//
// Without a browser the tests are skipped, unless the environment variable
// CI is set: then they fail, because browser tests must run in CI. axe-core
// is read from testdata/node_modules/axe-core/axe.min.js, the version that
// testdata/package-lock.json pins; install it with
//
//	npm ci --prefix cmd/internal/browsertest/testdata
//
// Set ACCREDIT_SCREENSHOTS=DIR to keep full-page screenshots (1280 and 390
// pixels wide) of a few pages in DIR.
package browsertest
