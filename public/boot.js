// Starts the Go program (app.wasm). Errors loading it are shown in the page.
(function () {
  "use strict";
  const go = new Go();
  const show = (msg) => {
    const el = document.querySelector("[data-testid=boot]");
    if (el) { el.textContent = msg; el.classList.add("boot-error"); }
  };
  const load = WebAssembly.instantiateStreaming
    ? WebAssembly.instantiateStreaming(fetch("app.wasm"), go.importObject)
    : fetch("app.wasm").then((r) => r.arrayBuffer()).then((b) => WebAssembly.instantiate(b, go.importObject));
  load.then((res) => go.run(res.instance))
      .catch((err) => show("mmplay could not start: " + err));
})();
