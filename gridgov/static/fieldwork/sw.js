// The grid worker's service worker: the phone pages under /field/ open without a
// network, on the vendored Workbox.
//
// The server serves it at /field/sw.js (so its scope is /field/) with Workbox's
// manifest placeholder below (the one PRECACHE reads) replaced by the files to keep,
// [{url: /static/…, revision: a hash of the file}] for each path in precache.json, as
// workbox-build's injectManifest would. Without it, nothing is kept ahead and what is
// seen is still cached.
//
// - Static files: precached by revision (a changed file is fetched again, the rest
//   kept); any other /static/ file is cache-first once seen.
// - Pages under /field/: network first, the cached copy when the network is gone or
//   slow; a page never opened falls back to "today" (/field/). Only the pages the
//   worker opens are kept (and those a page asks to keep, see pwa.js), at most a week.
// - Everything else, the API above all, is not touched: its answers (personal data)
//   are never cached, and POSTs always go to the network (the outbox keeps what fails).
// - "clear" from a page (logging out) drops the kept pages.
importScripts(
  "/static/vendor/workbox-7.4.1/workbox-core.prod.js",
  "/static/vendor/workbox-7.4.1/workbox-routing.prod.js",
  "/static/vendor/workbox-7.4.1/workbox-strategies.prod.js",
  "/static/vendor/workbox-7.4.1/workbox-precaching.prod.js",
  "/static/vendor/workbox-7.4.1/workbox-expiration.prod.js",
);

const SHELL = "1"; // raise when this file's caching changes in a way old caches must not outlive
const PRECACHE = self.__WB_MANIFEST || [];
const START = new URL("./", self.location.href).pathname; // "/field/"
// The runtime static cache follows the precache list: a new list, a fresh cache.
const VERSION = SHELL + "-" + hash(JSON.stringify(PRECACHE));
const PAGES = "gridgov-field-pages";
const STATIC = "gridgov-field-static-" + VERSION;
const WEEK = 7 * 24 * 3600;

function hash(text) {
  let h = 5381;
  for (let i = 0; i < text.length; i++) h = (h * 33 + text.charCodeAt(i)) >>> 0;
  return h.toString(36);
}

// Only a plain 200 is kept: not a page that ended on the login page, not an error.
const onlyOk = {
  cacheWillUpdate: async ({ response }) =>
    response && response.status === 200 && !response.redirected ? response : null,
};

workbox.core.setCacheNameDetails({ prefix: "gridgov-field" });
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute(PRECACHE, { ignoreURLParametersMatching: [/.*/] });

// The pages answer "Vary: Cookie, Accept-Language": a navigation and the page kept
// ahead for it differ in headers the browser adds, so the kept copy would never match.
// Kept pages are this signed-in worker's own (dropped at logout): ignore Vary.
const MATCH = { ignoreVary: true };

const pages = new workbox.strategies.NetworkFirst({
  cacheName: PAGES,
  networkTimeoutSeconds: 6,
  matchOptions: MATCH,
  plugins: [onlyOk, new workbox.expiration.ExpirationPlugin({ maxEntries: 100, maxAgeSeconds: WEEK })],
});
const isPage = ({ url, request }) =>
  url.origin === self.location.origin &&
  url.pathname.startsWith(START) &&
  url.pathname !== self.location.pathname &&
  request.method === "GET";
workbox.routing.registerRoute(isPage, pages);

workbox.routing.registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith("/static/"),
  new workbox.strategies.CacheFirst({
    cacheName: STATIC,
    matchOptions: MATCH,
    plugins: [onlyOk, new workbox.expiration.ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 30 * 24 * 3600 })],
  }),
);

// Offline and never opened: "today" if it is kept, else a short notice.
workbox.routing.setCatchHandler(async ({ request, url }) => {
  if (request.destination !== "document") return Response.error();
  const today = await caches.match(START, { cacheName: PAGES, ...MATCH });
  if (today && url.pathname !== START) return Response.redirect(START, 302);
  if (today) return today;
  return new Response(
    '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
      "<title>离线</title><p style=\"font:16px sans-serif;padding:1rem\">当前离线，此页面尚未保存到手机。" +
      '联网后打开一次，以后离线也能使用。</p><p style="padding:0 1rem"><a href="' + START + '">返回今日工作</a></p>',
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
  );
});

// Keep "today" from the start, so the installed app opens offline the first time.
self.addEventListener("install", (event) => {
  self.skipWaiting();
  event.waitUntil(keep([START], event));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((n) => n.startsWith("gridgov-field-static-") && n !== STATIC)
            .map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

// Pages ask to keep the field pages they link to ({type: "keep", urls}), and to drop
// every kept page when the worker logs out ({type: "clear"}).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep" && Array.isArray(data.urls)) event.waitUntil(keep(data.urls.slice(0, 60), event));
  if (data.type === "clear") event.waitUntil(caches.delete(PAGES));
});

// Fetch and keep pages through the pages strategy (so they expire like the others);
// offline, nothing happens and the next visit tries again.
async function keep(urls, event) {
  for (const href of urls) {
    const url = new URL(href, self.location.href);
    const request = new Request(url, { credentials: "same-origin" });
    if (!isPage({ url, request })) continue;
    try {
      await pages.handle({ event, request });
    } catch (error) {
      return;
    }
  }
}
