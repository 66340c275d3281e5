package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
)

// The logo, drawn by the build: physical memory as a 4×4 grid of page
// frames on mmplay blue (#2563eb), the taken frames white and the free
// ones a faint white, in a pattern with a run of four (a contiguous
// block), a lone frame and holes, as a buddy allocator leaves them. One
// description feeds both the SVG (the favicon) and the PNGs the manifest
// needs, so they cannot drift apart.
//
// An icon is either "any" (a rounded square, transparent corners) or
// full-bleed (maskable icons and Apple's touch icon, which the platform
// crops: the grid then shrinks into the central safe zone, a circle of
// 80 % of the size).

var logoFrames = [4]string{
	"####",
	"#.#.",
	"..##",
	"#.#.",
}

const (
	logoBlue     = 0x2563eb
	logoFreeAlfa = 0.32 // opacity of a free frame
)

// logo is one rendering of the design, in units of the icon's size.
type logo struct {
	bleed  bool    // full-bleed square background (maskable, apple-touch-icon)
	corner float64 // background corner radius when not bleed
	grid   float64 // side of the grid of frames
}

var (
	logoAny      = logo{corner: 0.22, grid: 0.62}
	logoMaskable = logo{bleed: true, grid: 0.50}
)

type rrect struct{ x0, y0, x1, y1, r float64 }

func (r rrect) contains(x, y float64) bool {
	if x < r.x0 || x > r.x1 || y < r.y0 || y > r.y1 {
		return false
	}
	dx := math.Max(0, math.Max(r.x0+r.r-x, x-(r.x1-r.r)))
	dy := math.Max(0, math.Max(r.y0+r.r-y, y-(r.y1-r.r)))
	return dx*dx+dy*dy <= r.r*r.r
}

// frames returns the frames' rectangles and whether each is taken.
func (l logo) frames() ([]rrect, []bool) {
	n := len(logoFrames)
	cell := l.grid / (float64(n) + float64(n-1)*0.18)
	gap := cell * 0.18
	origin := (1 - l.grid) / 2
	var rs []rrect
	var taken []bool
	for row, line := range logoFrames {
		for col, c := range line {
			x := origin + float64(col)*(cell+gap)
			y := origin + float64(row)*(cell+gap)
			rs = append(rs, rrect{x, y, x + cell, y + cell, cell * 0.16})
			taken = append(taken, c == '#')
		}
	}
	return rs, taken
}

func (l logo) background() rrect {
	if l.bleed {
		return rrect{0, 0, 1, 1, 0}
	}
	return rrect{0, 0, 1, 1, l.corner}
}

// svg renders the logo as an SVG document of the given nominal size.
func (l logo) svg(size int) []byte {
	s := float64(size)
	f := func(v float64) string {
		return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v*s), "0"), ".")
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d">`, size, size)
	bg := l.background()
	fmt.Fprintf(&b, `<rect width="%d" height="%d" rx="%s" fill="#%06x"/>`, size, size, f(bg.r), logoBlue)
	rs, taken := l.frames()
	for i, r := range rs {
		op := ""
		if !taken[i] {
			op = fmt.Sprintf(` fill-opacity="%.2f"`, logoFreeAlfa)
		}
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" rx="%s" fill="#fff"%s/>`,
			f(r.x0), f(r.y0), f(r.x1-r.x0), f(r.y1-r.y0), f(r.r), op)
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// png renders the logo at size×size pixels, 4×4 samples per pixel.
func (l logo) png(size int) []byte {
	const ss = 4
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	bg := l.background()
	rs, taken := l.frames()
	br, bgc, bb := float64(logoBlue>>16&0xff), float64(logoBlue>>8&0xff), float64(logoBlue&0xff)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64 // premultiplied sums
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/ss) / float64(size)
					if !bg.contains(x, y) {
						continue
					}
					cr, cg, cb := br, bgc, bb
					for i, fr := range rs {
						if fr.contains(x, y) {
							w := 1.0
							if !taken[i] {
								w = logoFreeAlfa
							}
							cr, cg, cb = cr+(255-cr)*w, cg+(255-cg)*w, cb+(255-cb)*w
							break
						}
					}
					r, g, b, a = r+cr, g+cg, b+cb, a+1
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a)), G: uint8(math.Round(g / a)), B: uint8(math.Round(b / a)),
				A: uint8(math.Round(a / (ss * ss) * 255)),
			})
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		panic("build: png: " + err.Error()) // an in-memory NRGBA always encodes
	}
	return buf.Bytes()
}

// iconFiles are the generated icons, by source name (index.html and the
// manifest name them so).
func iconFiles() []struct {
	name string
	data []byte
} {
	return []struct {
		name string
		data []byte
	}{
		{"icon.svg", logoAny.svg(64)},
		{"icon-192.png", logoAny.png(192)},
		{"icon-512.png", logoAny.png(512)},
		{"icon-maskable-512.png", logoMaskable.png(512)},
		{"apple-touch-icon.png", logoMaskable.png(180)},
	}
}
