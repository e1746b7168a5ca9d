package expo

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Limits of an uploaded logo.
const (
	MaxLogoBytes = 2 << 20 // 2 MB as uploaded
	MaxLogoSide  = 512     // stored logos fit in a square of this many pixels
	// maxLogoPixels refuses images whose header promises a huge canvas, so a
	// small file cannot make the server allocate gigabytes.
	maxLogoPixels = 40_000_000
)

// Errors of a logo upload; each is shown next to the file field.
var (
	ErrLogoMissing  = &Error{Code: CodeInvalid, Message: "error.form", Fields: map[string]string{"logo": "error.logo_missing"}}
	ErrLogoTooLarge = &Error{Code: CodeInvalid, Message: "error.form", Fields: map[string]string{"logo": "error.logo_too_large"}}
	ErrLogoType     = &Error{Code: CodeInvalid, Message: "error.form", Fields: map[string]string{"logo": "error.logo_type"}}
	ErrLogoBroken   = &Error{Code: CodeInvalid, Message: "error.form", Fields: map[string]string{"logo": "error.logo_broken"}}
)

// LogoFormat is the type of an image judged from its first bytes, never
// from its file name or the browser's claim: "png", "jpeg", "webp" or "".
func LogoFormat(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

// Logo is a processed logo ready to store and serve.
type Logo struct {
	ContentType string // image/png or image/jpeg
	Data        []byte
}

// ProcessLogo checks an uploaded logo (PNG, JPEG or WebP of at most
// MaxLogoBytes), scales it down to fit MaxLogoSide and re-encodes it:
// photos stay JPEG, everything else (which may be transparent) becomes PNG.
// Re-encoding also drops metadata and anything smuggled after the image.
func ProcessLogo(data []byte) (Logo, error) {
	if len(data) == 0 {
		return Logo{}, ErrLogoMissing
	}
	if len(data) > MaxLogoBytes {
		return Logo{}, ErrLogoTooLarge
	}
	format := LogoFormat(data)
	var decode func([]byte) (image.Image, error)
	var config func([]byte) (image.Config, error)
	switch format {
	case "png":
		decode = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
		config = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
	case "jpeg":
		decode = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
		config = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
	case "webp":
		decode = func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }
		config = func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) }
	default:
		return Logo{}, ErrLogoType
	}
	cfg, err := config(data)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return Logo{}, ErrLogoBroken
	}
	if cfg.Width*cfg.Height > maxLogoPixels {
		return Logo{}, ErrLogoTooLarge
	}
	img, err := decode(data)
	if err != nil {
		return Logo{}, ErrLogoBroken
	}
	img = fitSquare(img, MaxLogoSide)
	var out bytes.Buffer
	if format == "jpeg" {
		if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 85}); err != nil {
			return Logo{}, err
		}
		return Logo{ContentType: "image/jpeg", Data: out.Bytes()}, nil
	}
	if err := png.Encode(&out, img); err != nil {
		return Logo{}, err
	}
	return Logo{ContentType: "image/png", Data: out.Bytes()}, nil
}

// fitSquare scales img down, keeping its proportions, so neither side
// exceeds side; smaller images are kept as they are.
func fitSquare(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		return img
	}
	if w >= h {
		h = max(1, h*side/w)
		w = side
	} else {
		w = max(1, w*side/h)
		h = side
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}
