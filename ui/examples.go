package ui

import (
	"embed"
	"path"
	"sort"
	"strings"
)

//go:embed examples/*.c
var exampleFS embed.FS

// Example is one snippet of the gallery (ui/examples/*.c).
type Example struct {
	ID    string // file name without .c: "02-demand-paging"
	Title string // "Demand paging"
	// Explanation is the file's first two comment lines.
	Explanation string
	Code        string
}

// FirstExample is the one a first visit opens: short, and it shows malloc
// and demand paging.
const FirstExample = "02-demand-paging"

// Examples lists the gallery in file order.
func Examples() []Example {
	entries, _ := exampleFS.ReadDir("examples")
	var out []Example
	for _, e := range entries {
		b, err := exampleFS.ReadFile(path.Join("examples", e.Name()))
		if err != nil {
			continue
		}
		id := strings.TrimSuffix(e.Name(), ".c")
		code := string(b)
		var expl []string
		for _, l := range strings.SplitN(code, "\n", 3)[:2] {
			expl = append(expl, strings.TrimSpace(strings.TrimPrefix(l, "//")))
		}
		out = append(out, Example{ID: id, Title: exampleTitle(id), Explanation: strings.Join(expl, " "), Code: code})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ExampleByID finds an example.
func ExampleByID(id string) (Example, bool) {
	for _, e := range Examples() {
		if e.ID == id {
			return e, true
		}
	}
	return Example{}, false
}

var exampleTitles = map[string]string{
	"01-malloc-free-trim": "malloc, free and trimming",
	"02-demand-paging":    "Demand paging",
	"03-kmalloc-contexts": "kmalloc in process, atomic and IRQ context",
	"04-kmalloc-sizes":    "kmalloc size classes and kzalloc",
	"05-get-free-pages":   "__get_free_pages and orders",
	"06-vmalloc":          "vmalloc: contiguous virtual, scattered physical",
	"07a-scull":           "scull (kmalloc quanta)",
	"07b-scullp":          "scullp (whole pages)",
	"07c-scullv":          "scullv (vmalloc)",
	"08-ioremap":          "ioremap of device memory",
	"09-memblock":         "Boot-time allocation with memblock",
	"10-copy-user":        "copy_to_user / copy_from_user",
	"11-oom":              "A driver that allocates without limit",
}

func exampleTitle(id string) string {
	if t, ok := exampleTitles[id]; ok {
		return t
	}
	return id
}
