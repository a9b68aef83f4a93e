// The phone pages as an installed app: registers the service worker the page names
// (<body data-field-sw="/field/sw.js">), asks it to keep the field pages this page
// links to with data-offline-page (so they open offline without being visited first),
// and to drop every kept page when the worker logs out (the shared logout form).
(() => {
  const holder = document.querySelector("[data-field-sw]");
  if (!holder || !("serviceWorker" in navigator)) return;
  const url = holder.dataset.fieldSw;

  const tell = (message) =>
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage(message);
    });

  navigator.serviceWorker
    .register(url)
    .then(() => {
      const urls = Array.from(document.querySelectorAll("a[data-offline-page]"), (a) => a.href);
      urls.unshift(window.location.href);
      return tell({ type: "keep", urls });
    })
    .catch(() => {}); // no service worker (private mode, an old browser): online only

  document.addEventListener("submit", (event) => {
    if (event.target.id === "gg-logout" && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "clear" });
    }
  });
})();
