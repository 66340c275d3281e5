// embed.js turns every <pre data-mmplay> on a page into an embedded mmplay
// playground. An author adds one script tag, anywhere:
//
//   <script src="https://mmplay.example/embed.js" defer></script>
//
//   <pre data-mmplay data-views="physical,heap" data-config="kernel=2.0">
//   #include <stdlib.h>
//   int main(void) { char *p = malloc(100); free(p); return 0; }
//   </pre>
//
// The <pre> stays as it is (readable without scripts) until it comes near
// the viewport; then it is replaced by an iframe of the playground's
// index.html?embed&views=…&readonly&theme=… (the embed layout's options),
// from the directory embed.js itself was loaded from.
//
// Options, all optional:
//   data-views="physical,heap"  the views to open (names: [a-z]{1,16})
//   data-config="kernel=2.0"    machine settings, as in a share link
//   data-height="480"           a fixed height in CSS pixels; without it the
//                               iframe takes the height the playground
//                               announces
//   data-readonly               the snippet cannot be edited
//   data-theme="dark"           "light" or "dark" (default: the reader's)
//
// The snippet travels in the URL fragment, in the share-link format of
// ui/view/share.go: "s=" + base64url(raw deflate(JSON {"v":1,"c":code,
// "k":config,"s":0,"w":[views]})). A fragment never reaches a server. A
// browser without CompressionStream("deflate-raw") loads the bare embed
// page instead and, once it announces itself, posts it the snippet:
// {type:"mmplay:set-code", code, config, views}.
//
// From its iframes embed.js accepts {type:"mmplay:height", height} (and
// takes any mmplay message as the sign that the page is up), and only when
// the message comes from the playground's origin and from one of its own
// iframes.
(function () {
  "use strict";
  if (window.mmplayEmbed) return; // the script was included twice
  const script = document.currentScript;
  if (!script || !script.src) {
    console.error("mmplay embed.js: load it with <script src=…> (document.currentScript is unknown)");
    return;
  }
  const base = new URL(".", script.src);
  const origin = base.origin;

  const MIN_HEIGHT = 160;
  const MAX_HEIGHT = 4000;
  const DEFAULT_HEIGHT = 460;
  const MAX_CODE = 64 << 10; // bytes of code a share link may carry
  const frames = new Map(); // iframe's contentWindow → its state

  // options reads a <pre>'s data attributes, dropping what is malformed.
  // It returns null for a snippet too long to embed.
  function options(pre) {
    const d = pre.dataset;
    const code = pre.textContent.replace(/^\r?\n/, "").replace(/\s+$/, "") + "\n";
    if (new TextEncoder().encode(code).length > MAX_CODE) {
      console.warn("mmplay embed.js: a snippet longer than 64 KiB stays a plain <pre>");
      return null;
    }
    const views = (d.views || "").split(",").map((v) => v.trim()).filter((v) => /^[a-z]{1,16}$/.test(v)).slice(0, 16);
    const config = /^[A-Za-z0-9=,._-]{0,200}$/.test(d.config || "") ? (d.config || "") : "";
    if (d.config && !config) console.warn("mmplay embed.js: ignoring data-config=" + JSON.stringify(d.config));
    const h = parseInt(d.height, 10);
    const height = Number.isFinite(h) ? Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, h)) : 0;
    const theme = d.theme === "light" || d.theme === "dark" ? d.theme : "";
    return { code, views, config, height, theme, readonly: "readonly" in d };
  }

  function base64url(bytes) {
    let bin = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // fragment encodes the state as a share link's fragment, or returns ""
  // when this browser cannot.
  async function fragment(o) {
    if (typeof CompressionStream !== "function") return "";
    const json = JSON.stringify({ v: 1, c: o.code, k: o.config, s: 0, w: o.views });
    try {
      const stream = new Blob([json]).stream().pipeThrough(new CompressionStream("deflate-raw"));
      return "s=" + base64url(new Uint8Array(await new Response(stream).arrayBuffer()));
    } catch (e) {
      return ""; // "deflate-raw" unknown (older browsers know only "deflate")
    }
  }

  async function mount(pre) {
    if (pre.dataset.mmplayMounted) return;
    pre.dataset.mmplayMounted = "true";
    const o = options(pre);
    if (!o) return;
    const url = new URL("index.html", base);
    url.search = "embed";
    if (o.views.length) url.search += "&views=" + o.views.join(",");
    if (o.readonly) url.search += "&readonly";
    if (o.theme) url.search += "&theme=" + o.theme;
    const frag = await fragment(o);
    if (frag) url.hash = frag;
    const iframe = document.createElement("iframe");
    iframe.src = url.href;
    iframe.title = "mmplay: an editable, runnable C snippet";
    iframe.className = "mmplay-embed";
    iframe.setAttribute("allow", "clipboard-write");
    iframe.setAttribute("data-testid", "mmplay-embed");
    // CSSOM, not a style attribute: a host page's CSP may forbid those.
    iframe.style.display = "block";
    iframe.style.width = "100%";
    iframe.style.border = "1px solid #d0d7de";
    iframe.style.borderRadius = "6px";
    iframe.style.height = (o.height || DEFAULT_HEIGHT) + "px";
    pre.replaceWith(iframe);
    const st = { iframe, o, needsCode: !frag, fixed: o.height > 0 };
    frames.set(iframe.contentWindow, st);
  }

  window.addEventListener("message", (event) => {
    if (event.origin !== origin) return;
    const st = frames.get(event.source);
    const msg = event.data;
    if (!st || !msg || typeof msg !== "object" || typeof msg.type !== "string" || !msg.type.startsWith("mmplay:")) return;
    if (st.needsCode) {
      st.needsCode = false;
      event.source.postMessage({ type: "mmplay:set-code", code: st.o.code, config: st.o.config, views: st.o.views }, origin);
    }
    if (msg.type === "mmplay:height" && !st.fixed) {
      const h = Number(msg.height);
      if (Number.isFinite(h)) {
        st.iframe.style.height = Math.round(Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, h))) + "px";
      }
    }
  });

  function start() {
    const pres = Array.from(document.querySelectorAll("pre[data-mmplay]"));
    if (!("IntersectionObserver" in window)) {
      pres.forEach(mount);
      return;
    }
    const io = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) {
          io.unobserve(e.target);
          mount(e.target);
        }
      }
    }, { rootMargin: "300px 0px" });
    pres.forEach((pre) => io.observe(pre));
  }

  window.mmplayEmbed = { origin, mount };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
