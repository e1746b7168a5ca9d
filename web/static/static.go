// Package static embeds the stylesheets, scripts and images and serves them
// under content-hashed names, so browsers may cache them forever and a new
// release is fetched at once.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
)

//go:embed assets
var assets embed.FS

// Prefix is the URL path under which assets are served.
const Prefix = "/static/"

var hashed, original = index()

func index() (byName, byHashed map[string]string) {
	byName, byHashed = map[string]string{}, map[string]string{}
	_ = fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := assets.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, "assets/")
		ext := path.Ext(name)
		// htmx.min.js → htmx.min.3f2a1b9c04.js
		h := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		byName[name] = h
		byHashed[h] = p
		return nil
	})
	return byName, byHashed
}

// Path is the URL of an asset by its plain name, e.g. Path("app.css").
func Path(name string) string {
	if h, ok := hashed[name]; ok {
		return Prefix + h
	}
	return Prefix + name
}

// Open returns the content of an asset by its hashed name.
func Open(hashedName string) ([]byte, bool) {
	p, ok := original[hashedName]
	if !ok {
		return nil, false
	}
	b, err := assets.ReadFile(p)
	return b, err == nil
}
