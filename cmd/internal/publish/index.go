package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"

	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/render"
	"github.com/accredit/accredit/cmd/internal/site"
)

// Index finds any file of the site by its path and renders it on demand,
// byte for byte what Write puts at that path: accredit serve answers
// requests from it without writing the site. Building an Index costs a
// map entry per page of partners and lists; credentials are found through
// the program's lookup.
type Index struct {
	st    *site.Site
	theme *render.Theme
	pages map[string]pageRef
}

type pageRef struct {
	kind string
	data any
}

// NewIndex indexes the pages of st. An index is for one state of the
// site: after site.Refresh, make a new one.
func NewIndex(st *site.Site, theme *render.Theme) *Index {
	inlineStyle(st, theme)
	ix := &Index{st: st, theme: theme, pages: make(map[string]pageRef, len(st.Lists)+len(st.Partners)+len(st.Pages)+16)}
	eachPage(st, func(kind string, data any, path string) { ix.pages[path] = pageRef{kind, data} })
	return ix
}

// File writes the file at rel ("partners/acme/index.html", no leading
// slash) into buf and reports whether the site has it.
func (ix *Index) File(rel string, buf *bytes.Buffer) (bool, error) {
	st := ix.st
	if pg, ok := ix.pages[rel]; ok {
		if err := ix.theme.Page(buf, pg.kind, pg.data); err != nil {
			return true, fmt.Errorf("%s: %w", rel, err)
		}
		return true, nil
	}
	if data, ok := ix.theme.Assets[rel]; ok {
		buf.Write(data)
		return true, nil
	}
	switch rel {
	case "robots.txt":
		buf.Write(robots(st))
		return true, nil
	case "feed.xml":
		b, err := feed(st)
		buf.Write(b)
		return true, err
	case AsOfFile:
		buf.Write(asOfJSON(st))
		return true, nil
	case "api/v1/partners.json":
		b, err := partnersJSON(st)
		buf.Write(b)
		return true, err
	}
	if strings.HasPrefix(rel, "sitemap") && strings.HasSuffix(rel, ".xml") {
		b, ok := sitemaps(st)[rel]
		buf.Write(b)
		return ok, nil
	}
	if st.Info.Shards != nil && (rel == "_redirects" || strings.HasPrefix(rel, "verify/") || strings.HasPrefix(rel, "api/v1/credentials/")) {
		return ix.shardFile(rel, buf)
	}
	if id, ok := strings.CutPrefix(rel, "verify/"); ok {
		if id, ok := strings.CutSuffix(id, "/index.html"); ok {
			return ix.credential(id, buf, pageFile)
		}
		if id, ok := strings.CutSuffix(id, "/badge.svg"); ok {
			return ix.credential(id, buf, badgeFile)
		}
	}
	if id, ok := strings.CutPrefix(rel, "api/v1/credentials/"); ok {
		if id, ok = strings.CutSuffix(id, ".json"); ok {
			return ix.credential(id, buf, jsonFile)
		}
	}
	if rest, ok := strings.CutPrefix(rel, "partners/"); ok {
		if id, name, ok := strings.Cut(rest, "/"); ok {
			if pa := ix.st.P.Partner(id); pa != nil && pa.Listed && pa.Logo != nil && pa.Logo.File == name {
				buf.Write(pa.Logo.Data)
				return true, nil
			}
		}
	}
	if strings.HasPrefix(rel, "badges/") {
		for _, bi := range st.Badges {
			for _, img := range badgeImages(bi) {
				if img.path == rel {
					b, err := img.draw(bi.PNGDesign)
					buf.Write(b)
					return true, err
				}
			}
		}
	}
	return false, nil
}

// The files of a credential.
const (
	pageFile = iota
	badgeFile
	jsonFile
)

// credential writes a credential's page, badge or JSON. Its path holds
// the id exactly as written in the program: /verify/ itself accepts other
// spellings and turns them into this one.
func (ix *Index) credential(id string, buf *bytes.Buffer, file int) (bool, error) {
	c := ix.st.P.Credential(id)
	if c == nil || c.ID != id || strings.Contains(id, "/") {
		return false, nil
	}
	cp, err := ix.st.Credential(c)
	if err != nil {
		return true, fmt.Errorf("credential %s: %w", id, err)
	}
	switch file {
	case jsonFile:
		buf.Write(cp.JSON)
		return true, nil
	case badgeFile:
		buf.Write(cp.BadgeSVG)
		return true, nil
	}
	if err := ix.theme.Page(buf, "verify", cp); err != nil {
		return true, fmt.Errorf("verify/%s: %w", id, err)
	}
	return true, nil
}

// inlineStyle gives the home page the theme's stylesheet inline: on a
// phone's network each request costs a round trip (Fast 3G: 562 ms), and
// a linked stylesheet would hold the first paint back by one. Every other
// page links it, cached after the first. A stylesheet that could end the
// <style> element early stays linked.
func inlineStyle(st *site.Site, theme *render.Theme) {
	css, ok := theme.Assets["assets/site.css"]
	if !ok || st.Home == nil || bytes.Contains(bytes.ToLower(css), []byte("</style")) {
		return
	}
	sum := sha256.Sum256(css)
	st.Home.Style = template.HTML("<style>" + string(css) + "</style>")
	st.Home.StyleHash = "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// shardFile writes a file of shards mode: a shard, the shard index or
// _redirects. No credential has files of its own.
func (ix *Index) shardFile(rel string, buf *bytes.Buffer) (bool, error) {
	st := ix.st
	switch rel {
	case "_redirects":
		buf.Write(redirects(st))
		return true, nil
	case site.ShardIndex: // serve does not sign
		buf.Write(st.ShardIndexJSON(false))
		return true, nil
	}
	key, ok := strings.CutPrefix(rel, site.ShardDir)
	if key, ok = strings.CutSuffix(key, ".json.gz"); !ok {
		return false, nil
	}
	var creds []*program.Credential
	for _, c := range st.P.Credentials {
		if k, _ := st.ShardOf(c); k == key {
			creds = append(creds, c)
		}
	}
	if len(creds) == 0 {
		return false, nil
	}
	b, _, err := (&writer{}).shard(st, creds, new(site.Scratch), &shardBufs{}) // unsigned
	buf.Write(b)
	return true, err
}
