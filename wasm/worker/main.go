//go:build js && wasm

// Command worker is mmplay's edge worker (SPEC §9): the API of package
// edge served on Cloudflare Workers with github.com/syumai/workers, shared
// states kept in the Workers KV namespace bound as SHARES (wrangler.toml).
// The site itself (dist/) is the Workers assets binding's; only the
// requests no file answers reach this code.
//
// The Workers runtime instantiates the wasm for a request and runs main,
// which hands the handler to workers.Serve; it is built, with the JS glue
// workers-assets-gen writes, by `go run ./build worker`.
package main

import (
	"crypto/rand"
	"fmt"
	"log"
	"net/http"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare/kv"

	"mmplay/wasm/worker/edge"
)

// kvBinding is the KV namespace's binding name in wrangler.toml.
const kvBinding = "SHARES"

func main() {
	ns, err := kv.NewNamespace(kvBinding)
	if err != nil {
		// A deployment without the binding still serves runs and
		// pictures of fragments; sharing answers 503.
		log.Printf("worker: KV namespace %s: %v", kvBinding, err)
	}
	workers.Serve(edge.New(kvStore{ns}, rand.Reader))
}

// kvStore is edge.Store on a Workers KV namespace.
type kvStore struct{ ns *kv.Namespace }

// nullText is what the binding's GetString returns for a missing key (the
// JS null, printed by syscall/js); stored values are share fragments,
// which begin with "s=", so the two never meet.
const nullText = "<null>"

func (s kvStore) Get(key string) (string, bool, error) {
	if s.ns == nil {
		return "", false, fmt.Errorf("no KV namespace %s", kvBinding)
	}
	v, err := s.ns.GetString(key, nil)
	if err != nil {
		return "", false, err
	}
	if v == nullText {
		return "", false, nil
	}
	return v, true, nil
}

func (s kvStore) Put(key, value string) error {
	if s.ns == nil {
		return fmt.Errorf("no KV namespace %s", kvBinding)
	}
	return s.ns.PutString(key, value, nil)
}

var _ http.Handler = (*edge.Handler)(nil)
