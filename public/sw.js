// sw.js is mmplay's service worker: after one visit, the playground opens
// with the network off (SPEC §8).
//
// The build writes the BUILD line below: the app shell to precache
// (index.html, the manifest, and every hashed asset they load, the wasm
// included) and a version, a hash of that shell's contents. A deploy that
// changes any of it changes this file, so the browser installs the new
// worker; it caches the new shell under a new name and, once active,
// deletes the older caches.
//
// Requests (same origin, GET):
//  - assets/… are content-hashed and never change: cache first; a miss
//    is fetched and kept.
//  - anything else (index.html with or without ?embed, the manifest,
//    tutorial.html, embed.js): network first, so a new deploy shows at
//    once; a good response is kept, and the kept copy answers when the
//    network fails, or is slower than NETWORK_TIMEOUT_MS. The query is not
//    part of the key: "", "index.html" and "index.html?embed" are one page.
//  - sw.js itself and mmplay.html (the 3 MB single-file download) pass
//    through untouched.
const BUILD = {"version":"dev","precache":[]};

const PREFIX = "mmplay-";
const CACHE = PREFIX + BUILD.version;
const NETWORK_TIMEOUT_MS = 4000;
const scope = new URL(self.registration.scope);

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Hashed assets may come from the HTTP cache (boot.js registers this
    // worker after the page fetched the wasm, so it is there); the rest is
    // revalidated.
    await cache.addAll(BUILD.precache.map((p) =>
      new Request(p, { cache: p.startsWith("assets/") ? "default" : "no-cache" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// relPath returns url's path relative to the scope, or null outside it.
function relPath(url) {
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return null;
  return url.pathname.slice(scope.pathname.length);
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const rel = relPath(new URL(req.url));
  if (rel === null || rel === "sw.js" || rel === "mmplay.html") return;
  if (rel.startsWith("assets/")) {
    event.respondWith(cacheFirst(req));
  } else {
    event.respondWith(networkFirst(req, new URL(rel === "" ? "index.html" : rel, scope).href));
  }
});

async function cacheFirst(req) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(req, { ignoreVary: true, ignoreSearch: true });
  if (hit) return hit;
  const resp = await fetch(req);
  if (resp.ok && resp.type === "basic") await cache.put(req, resp.clone());
  return resp;
}

async function networkFirst(req, key) {
  const cache = await caches.open(CACHE);
  const network = fetch(req).then(async (resp) => {
    if (resp.ok && resp.type === "basic") await cache.put(key, resp.clone());
    return resp;
  });
  const kept = await cache.match(key, { ignoreVary: true });
  if (!kept) return network;
  const late = new Promise((resolve) => setTimeout(() => resolve(kept), NETWORK_TIMEOUT_MS));
  return Promise.race([network.catch(() => kept), late]);
}
