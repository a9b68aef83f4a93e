// The patrol pages on the phone.
//
// A running patrol (#patrol-live): follows the phone's position with
// navigator.geolocation.watchPosition and sends the fixes every 10 seconds, in one
// batch, through the positions API (POST /api/v1/positions; a batch sent twice is
// stored once, so a failed upload is simply sent again). A web page records nothing
// while the phone sleeps, so the page keeps the screen awake with the Screen Wake Lock
// API, asks again whenever it comes back to the front, and says so when it cannot.
// It shows the time since the start and the distance walked; stopping sends the last
// fixes first.
//
// A patrol's page (#patrol-map): its track over the grid on a Leaflet map, one line per
// unbroken piece (a gap stays a gap), and the grid's buildings passed or not.
(function () {
  "use strict";

  const SEND_EVERY_MS = 10000;
  const MAX_BATCH = 500; // the API's limit
  const MAX_ACCURACY_M = 50; // the server leaves worse fixes out of the figures
  const GAP_S = 120;
  const MAX_SPEED_M_S = 20;

  function metres(a, b) {
    const rad = Math.PI / 180;
    const dLat = (b.lat - a.lat) * rad;
    const dLon = (b.lon - a.lon) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
  }

  function clock(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const pad = (n) => String(n).padStart(2, "0");
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }

  function runPatrol(live) {
    const data = live.dataset;
    const started = Date.parse(data.started);
    const elapsed = document.getElementById("patrol-elapsed");
    const distanceEl = document.getElementById("patrol-distance");
    const sentEl = document.getElementById("patrol-sent");
    const gps = document.getElementById("patrol-gps");
    const upload = document.getElementById("patrol-upload");
    const stop = document.getElementById("patrol-stop");
    const token = stop ? stop.querySelector("[name=csrfmiddlewaretoken]").value : "";
    let distance = parseFloat(data.distance) || 0;
    let last = null;
    let sent = 0;
    let queue = [];
    let sending = null;

    const tick = () => { elapsed.textContent = clock(Date.now() - started); };
    tick();
    setInterval(tick, 1000);

    function add(position) {
      const c = position.coords;
      const fix = {
        lon: c.longitude,
        lat: c.latitude,
        accuracy: c.accuracy,
        recorded_at: new Date(position.timestamp || Date.now()).toISOString(),
        coords: "wgs84",
      };
      queue.push(fix);
      gps.textContent = data.gpsAccuracy.replace("%s", Math.round(c.accuracy));
      if (c.accuracy > MAX_ACCURACY_M) return;
      const at = position.timestamp || Date.now();
      if (last) {
        const seconds = (at - last.at) / 1000;
        const step = metres(last, fix);
        if (seconds > 0 && seconds <= GAP_S && step / seconds <= MAX_SPEED_M_S) distance += step;
      }
      last = { lon: fix.lon, lat: fix.lat, at: at };
      distanceEl.textContent = Math.round(distance);
    }

    function send(keepalive) {
      if (sending || !queue.length) return sending || Promise.resolve();
      const batch = queue.slice(0, MAX_BATCH);
      sending = fetch(data.positionsUrl, {
        method: "POST",
        credentials: "same-origin",
        keepalive: !!keepalive,
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ points: batch }),
      })
        .then((response) => {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then((answer) => {
          queue = queue.slice(batch.length);
          sent += answer.accepted;
          sentEl.textContent = sent;
          upload.textContent = "";
        })
        .catch(() => {
          upload.textContent = data.uploadFailed.replace("%s", queue.length);
        })
        .finally(() => { sending = null; });
      return sending;
    }
    setInterval(() => send(false), SEND_EVERY_MS);

    if ("geolocation" in navigator) {
      navigator.geolocation.watchPosition(add, (error) => {
        gps.textContent = error.code === 1 ? data.gpsDenied : data.gpsWaiting;
      }, { enableHighAccuracy: true, maximumAge: 0, timeout: 30000 });
    } else {
      gps.textContent = data.gpsMissing;
    }

    // The screen kept awake; a wake lock is let go whenever the page is hidden.
    const warning = document.getElementById("patrol-wake-warning");
    const awake = document.getElementById("patrol-wake-ok");
    const showAwake = (on) => { warning.hidden = on; awake.hidden = !on; };
    function keepAwake() {
      if (!("wakeLock" in navigator)) { showAwake(false); return; }
      navigator.wakeLock.request("screen").then((lock) => {
        showAwake(true);
        lock.addEventListener("release", () => { if (document.visibilityState === "visible") showAwake(false); });
      }).catch(() => showAwake(false));
    }
    keepAwake();
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") keepAwake();
      else send(true);
    });
    window.addEventListener("pagehide", () => send(true));

    // Stopping: what is still waiting goes first, then the form.
    if (stop) {
      stop.addEventListener("submit", (event) => {
        event.preventDefault();
        if (!window.confirm(data.stopConfirm)) return;
        const button = stop.querySelector("button");
        button.disabled = true;
        const flush = () => (queue.length ? send(false).then(() => (queue.length && !upload.textContent ? flush() : null)) : Promise.resolve());
        Promise.race([flush(), new Promise((resolve) => setTimeout(resolve, 8000))]).then(() => stop.submit());
      });
    }
  }

  function drawPatrol(el) {
    const source = document.getElementById("patrol-data");
    if (!source || !window.L) return;
    const data = JSON.parse(source.textContent);
    const map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
    L.control.scale({ imperial: false }).addTo(map);
    const layers = [];
    if (data.grid) {
      layers.push(L.geoJSON(data.grid, { style: () => ({ color: "#1f4e96", weight: 2, fillColor: "#4e79a7", fillOpacity: 0.08 }) }));
    }
    layers.push(L.featureGroup(data.buildings.map((b) => L.circleMarker([b.lat, b.lon], {
      radius: 5, weight: 1, color: "#fff",
      fillColor: b.passed ? "#2f9e44" : "#868e96", fillOpacity: 0.9,
    }))));
    layers.push(L.geoJSON(data.track, {
      style: () => ({ color: "#0d6efd", weight: 4, opacity: 0.85 }),
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 3, color: "#0d6efd" }),
    }));
    // The view first: Leaflet places vector layers against it.
    const bounds = L.latLngBounds([]);
    layers.forEach((layer) => { if (layer.getLayers().length) bounds.extend(layer.getBounds()); });
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
    else map.setView([23.1043, 113.2522], 15);
    layers.forEach((layer) => layer.addTo(map));
  }

  const live = document.getElementById("patrol-live");
  if (live) runPatrol(live);
  const mapEl = document.getElementById("patrol-map");
  if (mapEl) drawPatrol(mapEl);
})();
