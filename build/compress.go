package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"github.com/andybalholm/brotli"
)

// Precompressed files (step 6 of dist.go). A host that serves them (and
// `go run ./build serve`) sends foo.js.br to a browser that accepts br, so
// nothing is compressed per request and brotli can run at its slowest,
// best setting: quality 11 with a 16 MiB window takes the 8.0 MB wasm to
// 1.51 MB (gzip -9: 2.10 MB; quality 9: about 1.7 MB) in about 20 s of one
// core.
//
// The 20 s are paid once per wasm: results are cached by the SHA-256 of
// their input in .build/z/<sum>.br and .gz, and prune removes the entries
// a build did not use.

const (
	brotliQuality = 11
	brotliWindow  = 24 // log2 of the window: 16 MiB, the format's largest
)

type compressor struct {
	dir  string
	mu   sync.Mutex
	used map[string]bool // cache files this build used
}

func newCompressor(dir string) *compressor {
	return &compressor{dir: dir, used: map[string]bool{}}
}

// compressAll returns p+".br" and p+".gz" for each file that want selects,
// keeping a variant only when it is smaller than the file.
func (z *compressor) compressAll(files map[string][]byte, want func(p string) bool) map[string][]byte {
	type job struct {
		path, ext string
		data      []byte
	}
	var jobs []job
	for p, data := range files {
		if want(p) {
			jobs = append(jobs, job{p, ".br", data}, job{p, ".gz", data})
		}
	}
	// Biggest first, so the wasm's brotli does not start last.
	sort.Slice(jobs, func(i, j int) bool {
		if len(jobs[i].data) != len(jobs[j].data) {
			return len(jobs[i].data) > len(jobs[j].data)
		}
		return jobs[i].path+jobs[i].ext < jobs[j].path+jobs[j].ext
	})
	out := map[string][]byte{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan bool, runtime.NumCPU())
	for _, j := range jobs {
		wg.Add(1)
		sem <- true
		go func() {
			defer func() { <-sem; wg.Done() }()
			c := z.compress(j.data, j.ext)
			if len(c) < len(j.data) {
				mu.Lock()
				out[j.path+j.ext] = c
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

// compress returns data compressed as ext (".br" or ".gz"), from the cache
// when it is there.
func (z *compressor) compress(data []byte, ext string) []byte {
	sum := sha256.Sum256(data)
	key := hex.EncodeToString(sum[:]) + ext
	z.mu.Lock()
	z.used[key] = true
	z.mu.Unlock()
	cached := filepath.Join(z.dir, key)
	if b, err := os.ReadFile(cached); err == nil {
		return b
	}
	var buf bytes.Buffer
	switch ext {
	case ".br":
		w := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: brotliQuality, LGWin: brotliWindow})
		w.Write(data) // writes to a bytes.Buffer cannot fail
		w.Close()
	case ".gz":
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level; no name or time in the header
		w.Write(data)
		w.Close()
	default:
		panic("build: unknown compression " + ext)
	}
	// The cache is an optimization: failing to fill it is not an error.
	if os.MkdirAll(z.dir, 0o755) == nil {
		tmp := cached + ".tmp"
		if os.WriteFile(tmp, buf.Bytes(), 0o644) == nil {
			os.Rename(tmp, cached)
		}
	}
	return buf.Bytes()
}

// prune deletes the cache entries this build did not use.
func (z *compressor) prune() error {
	ents, err := os.ReadDir(z.dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !z.used[e.Name()] {
			os.Remove(filepath.Join(z.dir, e.Name()))
		}
	}
	return nil
}
