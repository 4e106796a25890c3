// Package static embeds the stylesheet and scripts and serves them at
// checksum URLs with long cache lifetimes.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed *.css *.js
var files embed.FS

var hashes = map[string]string{}

func init() {
	entries, _ := fs.ReadDir(files, ".")
	for _, e := range entries {
		b, _ := files.ReadFile(e.Name())
		h := sha256.Sum256(b)
		hashes[e.Name()] = hex.EncodeToString(h[:6])
	}
}

// URL returns the checksum URL of an asset, e.g. /static/3f2a9c01b2de/app.css.
func URL(name string) string { return "/static/" + hashes[name] + "/" + name }

// Handler serves /static/{hash}/{name}; a stale hash still gets the current file
// but without the immutable cache header.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest := strings.TrimPrefix(r.URL.Path, "/static/")
		hash, name, ok := strings.Cut(rest, "/")
		if !ok || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		b, err := files.ReadFile(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		switch path.Ext(name) {
		case ".css":
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
		case ".js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		}
		if hash == hashes[name] {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Write(b)
	})
}
