//go:build js && wasm

package main

import (
	"bytes"
	"syscall/js"

	"mmplay/engine"
	"mmplay/wasm/app/jsonenc"
)

// init gives the page mmplayTraceJSON(code, config): the JSON trace of
// SPEC §6 that `mmplay run --json --config CONFIG snippet.c` prints, run by
// the engine in this page under the CLI's rules (the defaults, the
// snippet's "// mmplay:" line, then config). The determinism test
// (build/wrangler) compares it, byte for byte, with the CLI's and the edge
// worker's; it is also there for anyone curious in the console. It
// answers {"error": …} for a snippet that does not compile.
func init() {
	js.Global().Set("mmplayTraceJSON", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString {
			return traceError("want mmplayTraceJSON(code, config), two strings")
		}
		return traceJSON(args[0].String(), args[1].String())
	}))
}

func traceJSON(code, config string) string {
	src := []byte(code)
	cfg := engine.DefaultConfig()
	if s := engine.SnippetSettings(src); s != "" {
		if err := cfg.Apply(s); err != nil {
			return traceError("snippet.c:1:1: bad // mmplay: setting: " + err.Error())
		}
	}
	if err := cfg.Apply(config); err != nil {
		return traceError("config: " + err.Error())
	}
	prog, diags := engine.Compile("snippet.c", src, cfg)
	if prog == nil {
		msg := "the snippet does not compile"
		if len(diags) > 0 {
			msg += ": " + diags[0].Error()
		}
		return traceError(msg)
	}
	s := engine.NewSession(prog)
	defer s.Close()
	s.Run()
	b, err := jsonenc.Encode(s.Trace(), "", "  ") // as the CLI's --json (encoding/json)
	if err != nil {
		return traceError(err.Error())
	}
	return string(b)
}

func traceError(msg string) string {
	b, _ := jsonenc.Encode(map[string]string{"error": msg}, "", "")
	return string(bytes.TrimSuffix(b, []byte("\n")))
}
