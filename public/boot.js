// boot.js starts the Go program (the app's wasm) in the page.
//
// index.html loads, in order, wasm_exec.js (Go's runtime glue: class Go)
// and this file. The build renames both and the wasm to content-hashed
// names and rewrites the quoted names below to match (app.wasm becomes
// assets/app.<hash>.wasm).
//
// The wasm comes from one of two places:
//   - the single-file build (mmplay.html) carries it in the page, in
//     <script type="application/octet-stream" id="mmplay-wasm">, gzipped
//     and base64-encoded: no fetch, and so it works from file://;
//   - otherwise it is fetched (index.html preloads it, so the download
//     starts while the page's scripts load, and this fetch takes the
//     preload's response); once the first render is painted the
//     service worker (sw.js) is registered: its install, which caches
//     the wasm, finds it in the HTTP cache instead of downloading it a
//     second time, and its thread does not compete with the start-up
//     for the CPU (on a 2-core machine it took 160 ms of the first run).
(function () {
  "use strict";

  const show = (msg) => {
    const el = document.querySelector("[data-testid=boot]");
    if (el) {
      el.textContent = msg;
      el.classList.add("boot-error");
    }
  };

  const inline = document.getElementById("mmplay-wasm");

  function base64Bytes(text) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
    const bin = atob(text);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  // wasmResponse returns the app's wasm as a Response.
  async function wasmResponse() {
    if (inline) {
      let body = new Blob([base64Bytes(inline.textContent.trim())]).stream();
      if (inline.dataset.encoding === "gzip") {
        if (typeof DecompressionStream !== "function") {
          throw new Error("this browser cannot unpack the playground (it lacks DecompressionStream); use a current Chrome, Firefox or Safari");
        }
        body = body.pipeThrough(new DecompressionStream("gzip"));
      }
      return new Response(body, { headers: { "Content-Type": "application/wasm" } });
    }
    const resp = await fetch("app.wasm");
    if (!resp.ok) throw new Error("app.wasm: HTTP " + resp.status + " " + resp.statusText);
    return resp;
  }

  async function instantiate(go) {
    const resp = await wasmResponse();
    const type = resp.headers.get("Content-Type") || "";
    if (WebAssembly.instantiateStreaming && type.startsWith("application/wasm")) {
      return WebAssembly.instantiateStreaming(resp, go.importObject);
    }
    // A host that sends the wasm with another type: compile from bytes.
    return WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
  }

  function registerServiceWorker() {
    if (inline || !("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
    navigator.serviceWorker.register("sw.js").catch((err) => {
      // Offline use is lost, nothing else: say so quietly.
      console.warn("mmplay: no offline use (the service worker did not register):", err);
    });
  }

  // afterFirstRender calls f once the app has set data-mmplay-ready on
  // <html> (its first render is on the page).
  function afterFirstRender(f) {
    const html = document.documentElement;
    if (html.getAttribute("data-mmplay-ready") === "true") return f();
    const mo = new MutationObserver(() => {
      if (html.getAttribute("data-mmplay-ready") !== "true") return;
      mo.disconnect();
      f();
    });
    mo.observe(html, { attributes: true, attributeFilter: ["data-mmplay-ready"] });
  }

  // mmplayDOM applies the DOM operations the app records during a render
  // (wasm/app/vdom's Batch, where the encoding is described): the app
  // copies a render's bytes into a Uint8Array and calls apply once, so a
  // render crosses from the wasm into JavaScript once instead of a few
  // times per node. Nodes are numbered by the app; adopt names one the
  // page already has (the mount point). Events go back through the one
  // function the app gives to init: dispatch(listener id, event).
  window.mmplayDOM = (() => {
    const nodes = [undefined];
    const listeners = new Map();
    const text = new TextDecoder();
    let dispatch = null;
    return {
      init(f) { dispatch = f; },
      adopt(h, el) { nodes[h] = el; },
      apply(bytes, n) {
        const dv = new DataView(bytes.buffer, bytes.byteOffset, n);
        let p = 0;
        const u32 = () => { const v = dv.getUint32(p, true); p += 4; return v; };
        const str = () => {
          const len = u32();
          const s = len === 0 ? "" : text.decode(bytes.subarray(p, p + len));
          p += len;
          return s;
        };
        while (p < n) {
          const op = bytes[p++];
          const h = u32();
          switch (op) {
            case 1: { const tag = str(), ns = str(); nodes[h] = ns ? document.createElementNS(ns, tag) : document.createElement(tag); break; }
            case 2: nodes[h] = document.createTextNode(str()); break;
            case 3: nodes[h] = document.createComment(str()); break;
            case 4: nodes[h].data = str(); break;
            case 5: { const ns = str(), k = str(), v = str(); if (ns) nodes[h].setAttributeNS(ns, k, v); else nodes[h].setAttribute(k, v); break; }
            case 6: { const ns = str(), k = str(); if (ns) nodes[h].removeAttributeNS(ns, k); else nodes[h].removeAttribute(k); break; }
            case 7: {
              const keep = new Set();
              for (let i = u32(); i > 0; i--) keep.add(str());
              for (const name of nodes[h].getAttributeNames()) if (!keep.has(name)) nodes[h].removeAttribute(name);
              break;
            }
            case 8: { const k = str(), j = str(); nodes[h][k] = j === "true" ? true : j === "false" ? false : JSON.parse(j); break; }
            case 9: { const k = str(); nodes[h][k] = str(); break; }
            case 10: { const k = str(); nodes[h][k] = bytes[p++] !== 0; break; }
            case 11: nodes[h].innerHTML = str(); break;
            case 12: nodes[h].textContent = str(); break;
            case 13: { const c = u32(), ref = u32(); nodes[h].insertBefore(nodes[c], ref ? nodes[ref] : null); break; }
            case 14: nodes[h].removeChild(nodes[u32()]); break;
            case 15: nodes[h].textContent = ""; break;
            case 16: nodes[h] = undefined; break;
            case 17:
            case 18: {
              const id = u32(), type = str(), f = bytes[p++];
              const opts = { capture: (f & 1) !== 0, passive: (f & 2) !== 0 };
              if (op === 17) {
                const fn = (ev) => dispatch(id, ev);
                listeners.set(id, fn);
                nodes[h].addEventListener(type, fn, opts);
              } else if (listeners.has(id)) {
                nodes[h].removeEventListener(type, listeners.get(id), opts);
                listeners.delete(id);
              }
              break;
            }
            default: throw new Error("mmplayDOM: unknown operation " + op + " at byte " + (p - 5));
          }
        }
      },
    };
  })();

  const go = new Go();
  instantiate(go)
    .then((res) => {
      if (performance.mark) performance.mark("mmplay-compiled");
      afterFirstRender(() => {
        requestAnimationFrame(() => setTimeout(() => {
          // The first render is painted: the cold-load benchmark's end.
          if (performance.mark) performance.mark("mmplay-painted");
          registerServiceWorker();
        }));
      });
      return go.run(res.instance);
    })
    .catch((err) => {
      const offline = navigator.onLine === false ? " (this browser is offline)" : "";
      show("mmplay could not start" + offline + ": " + (err && err.message ? err.message : err));
    });
})();
