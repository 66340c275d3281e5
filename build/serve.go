package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"

	"mmplay/build/internal/site"
)

// runServe builds what is stale and serves dist/ on 127.0.0.1.
func runServe(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	port := fs.Int("port", 8080, "port to listen on (127.0.0.1)")
	fs.Parse(args)
	if err := withLock(func() error { return runDist(nil) }); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "mmplay: serving %s on http://localhost:%d/ (Ctrl+C stops)\n", distDir, ln.Addr().(*net.TCPAddr).Port)
	return http.Serve(ln, site.Handler(distDir))
}
