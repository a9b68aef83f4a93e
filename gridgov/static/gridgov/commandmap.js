// The command center's map (指挥地图): boundaries, buildings, cameras, open cases and
// grid workers from the map API, a heat layer, search, the live feed and the cards.
// Everything it shows comes from the server (layers as GeoJSON, cards as HTML); the
// page passes its settings and the few words written here in #cm-config.
(function () {
  "use strict";
  const configEl = document.getElementById("cm-config");
  const mapEl = document.getElementById("cm-map");
  if (!configEl || !mapEl || !window.L) return;
  const cfg = JSON.parse(configEl.textContent);
  const T = cfg.labels;
  const LANG = document.documentElement.lang || "zh-CN";
  const SOUND_KEY = "gridgov.commandMap.sound";
  const CARD_KINDS = ["case", "camera", "grid", "building", "worker"];
  const STATUS_COLORS = {
    reported: "#ff5c8a",
    accepted: "#ff9f43",
    dispatched: "#ffd93d",
    in_progress: "#3fa9ff",
    handled: "#b18cff",
    followed_up: "#2ee6a6",
  };
  const CAMERA_COLORS = { online: "#27e0ff", offline: "#7d8798", fault: "#ff9f1a" };
  const CAMERA_REACH_M = 55;
  const $ = (selector, root) => (root || document).querySelector(selector);

  function esc(text) {
    const div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then((r) => {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    });
  }

  const timeFormat = new Intl.DateTimeFormat(LANG, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: cfg.time_zone });
  const shortTime = new Intl.DateTimeFormat(LANG, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: cfg.time_zone });
  const dayFormat = new Intl.DateTimeFormat(LANG, { year: "numeric", month: "long", day: "numeric", weekday: "long", timeZone: cfg.time_zone });
  const dayOnly = new Intl.DateTimeFormat(LANG, { month: "2-digit", day: "2-digit", timeZone: cfg.time_zone });
  const hhmm = (iso) => (iso ? shortTime.format(new Date(iso)) : "");
  // An event of today shows its time; an older one its day too.
  const when = (iso) => {
    if (!iso) return "";
    const day = dayOnly.format(new Date(iso));
    return day === dayOnly.format(new Date()) ? hhmm(iso) : `${day} ${hhmm(iso)}`;
  };

  // -- the map, its base layer and panes (drawing order) -----------------------------
  const map = L.map(mapEl, {
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    minZoom: 10,
    maxZoom: 19,
    attributionControl: cfg.base.kind !== "none",
    worldCopyJump: false,
  });
  if (map.attributionControl) map.attributionControl.setPrefix(false);
  L.control.scale({ imperial: false, position: "bottomright", maxWidth: 160 }).addTo(map);
  if (cfg.base.kind === "none") {
    mapEl.classList.add("cm-plain");
  } else {
    cfg.base.tiles.forEach((url) => {
      L.tileLayer(url, {
        subdomains: cfg.base.subdomains || "abc",
        maxZoom: 19,
        maxNativeZoom: 18,
        attribution: cfg.base.attribution || "",
      }).addTo(map);
    });
    mapEl.classList.add("cm-tiles");
  }
  [
    ["cm-areas", 350],
    ["cm-labels", 420],
    ["cm-cameras", 430],
    ["cm-trail", 440],
    ["cm-camera-icons", 610],
    ["cm-cases", 620],
    ["cm-workers", 630],
    ["cm-selection", 640],
  ].forEach(([name, z]) => {
    map.createPane(name).style.zIndex = z;
  });
  map.getPane("cm-labels").style.pointerEvents = "none";

  let bboxParam = "";
  if (cfg.bounds) {
    const [w, s, e, n] = cfg.bounds;
    map.fitBounds([[s, w], [n, e]], { padding: [24, 24] });
    // Ask for the scope's whole area (a little wider, for points on the border): the
    // layers are drawn once and clustered, not refetched on every pan.
    const padX = Math.max((e - w) * 0.15, 0.002);
    const padY = Math.max((n - s) * 0.15, 0.002);
    bboxParam = [w - padX, s - padY, e + padX, n + padY].map((v) => v.toFixed(6)).join(",");
  } else {
    map.setView([cfg.center[1], cfg.center[0]], 15);
  }
  // Two buttons under the zoom: back to the whole area, and full screen for a wall.
  const Tools = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      const bar = L.DomUtil.create("div", "leaflet-bar cm-tools");
      const button = (icon, title, action) => {
        const a = L.DomUtil.create("a", "cm-tool", bar);
        a.href = "#";
        a.setAttribute("role", "button");
        a.title = title;
        a.setAttribute("aria-label", title);
        a.innerHTML = `<i class="bi bi-${icon}"></i>`;
        L.DomEvent.on(a, "click", (e) => {
          L.DomEvent.preventDefault(e);
          L.DomEvent.stopPropagation(e);
          action();
        });
        return a;
      };
      button("arrows-angle-contract", T.fit, fitHome).classList.add("cm-fit");
      button("fullscreen", T.fullscreen, () => {
        if (document.fullscreenElement) document.exitFullscreen();
        else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
      });
      return bar;
    },
  });
  new Tools().addTo(map);

  function fitHome() {
    if (!cfg.bounds) return;
    const [w, s, e, n] = cfg.bounds;
    map.flyToBounds([[s, w], [n, e]], { padding: [24, 24], duration: 0.6 });
  }

  const layerUrl = (name) => cfg.urls.layers + name + (bboxParam ? "?bbox=" + bboxParam : "");

  function centerOf(feature) {
    const g = feature.geometry;
    if (!g) return null;
    if (g.type === "Point") return L.latLng(g.coordinates[1], g.coordinates[0]);
    return L.geoJSON(feature).getBounds().getCenter();
  }

  // -- boundaries: street thick, communities medium, grids thin and clickable ------------
  const areaLayer = L.layerGroup().addTo(map);
  const gridLabels = L.layerGroup();
  const communityLabels = L.layerGroup();
  const gridPolygons = {};

  function label(latlng, cls, html) {
    return L.marker(latlng, {
      pane: "cm-labels",
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: "cm-label " + cls, html: html, iconSize: null }),
    });
  }

  function drawAreas(collection) {
    areaLayer.clearLayers();
    gridLabels.clearLayers();
    communityLabels.clearLayers();
    const byLevel = { street: [], community: [], grid: [] };
    collection.features.forEach((f) => (byLevel[f.properties.level] || []).push(f));
    const fc = (features) => ({ type: "FeatureCollection", features: features });
    const grids = L.geoJSON(fc(byLevel.grid), {
      pane: "cm-areas",
      style: { color: "#3d8bff", weight: 1, opacity: 0.85, fillColor: "#1b4f9c", fillOpacity: 0.07 },
      onEachFeature: (f, layer) => {
        const p = f.properties;
        gridPolygons[p.id] = layer;
        layer.on("click", () => openCard("grid", p.id));
        layer.on("mouseover", () => layer.setStyle({ fillOpacity: 0.2 }));
        layer.on("mouseout", () => layer.setStyle({ fillOpacity: p.id === selectedGrid ? 0.2 : 0.07 }));
        const worker = p.worker ? `<em>${esc(p.worker)}</em>` : "";
        gridLabels.addLayer(label(layer.getBounds().getCenter(), "cm-label-grid", `<b>${esc(p.name)}</b><span>${esc(p.code)}</span>${worker}`));
      },
    });
    const communities = L.geoJSON(fc(byLevel.community), {
      pane: "cm-areas",
      interactive: false,
      style: { color: "#6cc4ff", weight: 2.5, opacity: 0.9, dashArray: "8 5", fill: false },
      onEachFeature: (f, layer) => {
        communityLabels.addLayer(label(layer.getBounds().getCenter(), "cm-label-community", esc(f.properties.name)));
      },
    });
    const streetGlow = L.geoJSON(fc(byLevel.street), {
      pane: "cm-areas",
      interactive: false,
      style: { color: "#27e0ff", weight: 12, opacity: 0.14, fill: false },
    });
    const street = L.geoJSON(fc(byLevel.street), {
      pane: "cm-areas",
      interactive: false,
      style: { color: "#27e0ff", weight: 3.5, opacity: 1, fill: false },
    });
    [grids, communities, streetGlow, street].forEach((l) => areaLayer.addLayer(l));
    showLabels();
  }

  // A grid is about 150 m across: from zoom 17 its label (name, code, worker) fits inside it.
  const GRID_LABEL_ZOOM = 17;

  function showLabels() {
    const z = map.getZoom();
    const on = map.hasLayer(areaLayer);
    const wantGrid = on && z >= GRID_LABEL_ZOOM;
    const wantCommunity = on && z < GRID_LABEL_ZOOM;
    if (wantGrid !== map.hasLayer(gridLabels)) wantGrid ? gridLabels.addTo(map) : gridLabels.remove();
    if (wantCommunity !== map.hasLayer(communityLabels)) wantCommunity ? communityLabels.addTo(map) : communityLabels.remove();
  }
  map.on("zoomend", showLabels);

  // -- buildings: clustered when zoomed out ----------------------------------------------
  const buildingLayer = L.markerClusterGroup({
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: false,
    disableClusteringAtZoom: 17,
    maxClusterRadius: 48,
    chunkedLoading: true,
    iconCreateFunction: (cluster) =>
      L.divIcon({ className: "cm-cluster", html: `<span>${cluster.getChildCount()}</span>`, iconSize: [34, 34] }),
  }).addTo(map);
  const buildingIcon = L.divIcon({ className: "cm-building", html: '<i class="bi bi-building"></i>', iconSize: [18, 18] });

  function drawBuildings(collection) {
    buildingLayer.clearLayers();
    const markers = [];
    collection.features.forEach((f) => {
      const at = centerOf(f);
      if (!at) return;
      const p = f.properties;
      const m = L.marker(at, { icon: buildingIcon, keyboard: false });
      m.bindTooltip(`${esc(p.name)}${p.households != null ? ` · ${esc(p.households)} ${esc(T.households)}` : ""}`, { className: "cm-tip", direction: "top", offset: [0, -8] });
      m.on("click", () => openCard("building", p.id, at));
      markers.push(m);
    });
    buildingLayer.addLayers(markers);
  }

  // -- cameras: an icon and the wedge it looks at ------------------------------------------
  const cameraLayer = L.layerGroup().addTo(map);

  function wedge(at, direction, fov, metres) {
    const points = [at];
    const dLat = metres / 111320;
    const dLon = metres / (111320 * Math.cos((at.lat * Math.PI) / 180));
    const from = direction - fov / 2;
    const steps = Math.max(4, Math.round(fov / 8));
    for (let i = 0; i <= steps; i++) {
      const a = ((from + (fov * i) / steps) * Math.PI) / 180;
      points.push(L.latLng(at.lat + dLat * Math.cos(a), at.lng + dLon * Math.sin(a)));
    }
    return points;
  }

  function drawCameras(collection) {
    cameraLayer.clearLayers();
    collection.features.forEach((f) => {
      const at = centerOf(f);
      if (!at) return;
      const p = f.properties;
      const color = CAMERA_COLORS[p.status] || CAMERA_COLORS.offline;
      const style = { pane: "cm-cameras", color: color, weight: 1, opacity: 0.7, fillColor: color, fillOpacity: 0.16, className: "cm-wedge" };
      const view =
        p.direction == null || (p.fov || 0) >= 360
          ? L.circle(at, Object.assign({ radius: CAMERA_REACH_M * 0.6 }, style))
          : L.polygon(wedge(at, p.direction, p.fov || 60, CAMERA_REACH_M), style);
      const icon = L.marker(at, {
        pane: "cm-camera-icons",
        keyboard: false,
        icon: L.divIcon({ className: `cm-camera cm-cam-${esc(p.status)}`, html: '<i class="bi bi-camera-video-fill"></i>', iconSize: [20, 20] }),
      });
      const tip = `${esc(p.name)}<br><small>${esc(p.code)} · ${esc(T.camera_status[p.status] || p.status)}</small>`;
      icon.bindTooltip(tip, { className: "cm-tip", direction: "top", offset: [0, -10] });
      [view, icon].forEach((l) => l.on("click", () => openCard("camera", p.id, at)));
      cameraLayer.addLayer(view).addLayer(icon);
    });
  }

  // -- open cases: coloured by status, overdue ringed and pulsing ---------------------------
  // The layer may be up to a second old (the server rebuilds it at most once a second):
  // it says up to which feed event it is current (`cursor`), and the feed's later
  // events are drawn over it, so a new or moved case shows as soon as the feed has it.
  const caseLayer = L.layerGroup().addTo(map);
  const caseMarkers = {};
  const recentEvents = [];
  const RECENT_EVENTS = 500;

  function dropCase(id) {
    if (caseMarkers[id]) caseLayer.removeLayer(caseMarkers[id]);
    delete caseMarkers[id];
  }

  function placeCase(p, at) {
    dropCase(p.id);
    const group = L.layerGroup();
    if (p.overdue) {
      group.addLayer(L.circleMarker(at, { pane: "cm-cases", radius: 13, color: "#ff2d55", weight: 2, fill: false, interactive: false, className: "cm-pulse" }));
    }
    const m = L.circleMarker(at, {
      pane: "cm-cases",
      radius: p.priority === "urgent" ? 9 : 7,
      color: p.overdue ? "#ff2d55" : "#071427",
      weight: p.overdue ? 3 : 1.5,
      fillColor: STATUS_COLORS[p.status] || "#c8d3e6",
      fillOpacity: 0.95,
      className: "cm-case cm-case-" + p.status + (p.overdue ? " cm-case-overdue" : ""),
    });
    const flags = (p.overdue ? ` <b class="cm-tip-bad">${esc(T.overdue)}</b>` : "") + (p.priority === "urgent" ? ` <b class="cm-tip-bad">${esc(T.urgent)}</b>` : "");
    m.bindTooltip(`${esc(p.number)} · ${esc(p.status_label)}${flags}<br>${esc(p.title)}`, { className: "cm-tip", direction: "top", offset: [0, -8] });
    m.on("click", () => openCard("case", p.id, at));
    caseMarkers[p.id] = group.addLayer(m);
    caseLayer.addLayer(group);
  }

  // A feed item holds its case as it is now: drawn if open (a status with a colour) and
  // placed, else taken off.
  function applyEvent(item) {
    if (item.lat == null || item.lon == null || !STATUS_COLORS[item.status]) {
      dropCase(item.case_id);
      return;
    }
    const p = { id: item.case_id, number: item.number, title: item.title, status: item.status, status_label: item.status_label, overdue: item.overdue, priority: item.priority };
    placeCase(p, L.latLng(item.lat, item.lon));
  }

  function drawCases(collection) {
    caseLayer.clearLayers();
    Object.keys(caseMarkers).forEach((k) => delete caseMarkers[k]);
    collection.features.forEach((f) => {
      const at = centerOf(f);
      if (at) placeCase(f.properties, at);
    });
    const cursor = collection.cursor || 0;
    recentEvents.filter((item) => item.event_id > cursor).forEach(applyEvent);
  }

  // -- grid workers' last positions: stale ones grey -------------------------------------------
  const workerLayer = L.layerGroup().addTo(map);

  function drawWorkers(collection) {
    workerLayer.clearLayers();
    collection.features.forEach((f) => {
      const at = centerOf(f);
      if (!at) return;
      const p = f.properties;
      const m = L.marker(at, {
        pane: "cm-workers",
        keyboard: false,
        icon: L.divIcon({
          className: "cm-worker" + (p.stale ? " cm-stale" : ""),
          html: `<i class="bi bi-person-fill"></i><span>${esc(p.name)}</span>`,
          iconSize: [26, 26],
        }),
      });
      m.bindTooltip(`${esc(p.name)} · ${esc(p.grid || "")}<br><small>${esc(when(p.recorded_at))}${p.stale ? " · " + esc(T.stale) : ""}</small>`, { className: "cm-tip", direction: "top", offset: [0, -14] });
      m.on("click", () => openCard("worker", p.id, at));
      workerLayer.addLayer(m);
    });
  }

  // -- heat of cases over the chosen period -------------------------------------------------------
  const heatLayer = L.heatLayer([], {
    radius: 22,
    blur: 18,
    maxZoom: 17,
    minOpacity: 0.05,
    gradient: { 0.3: "#1d4ed8", 0.5: "#06b6d4", 0.68: "#a3e635", 0.84: "#facc15", 1: "#ef4444" },
  });
  const layerForm = $("#cm-layers");
  let heatLoaded = null;

  function loadHeat() {
    const days = layerForm.elements.heat_days.value;
    if (heatLoaded === days) return Promise.resolve();
    return getJSON(cfg.urls.heat + "?days=" + encodeURIComponent(days)).then((data) => {
      heatLoaded = days;
      const points = data.points || [];
      const top = points.reduce((m, p) => Math.max(m, p[2] || 1), 1);
      heatLayer.setOptions({ max: top });
      heatLayer.setLatLngs(points);
    });
  }

  // -- loading and switching the layers ---------------------------------------------------------------
  const layers = { areas: areaLayer, buildings: buildingLayer, cameras: cameraLayer, cases: caseLayer, workers: workerLayer, heat: heatLayer };
  const drawers = { areas: drawAreas, buildings: drawBuildings, cameras: drawCameras, cases: drawCases, workers: drawWorkers };

  function load(name) {
    return getJSON(layerUrl(name))
      .then((collection) => {
        drawers[name](collection);
        mapEl.dataset["loaded" + name[0].toUpperCase() + name.slice(1)] = "1";
      })
      .catch(() => banner(T.load_error));
  }

  // The header's counters count every open case in scope (also those without a
  // place on the map): the server counts them.
  function refreshCounters() {
    return getJSON(cfg.urls.counters)
      .then((counts) => Object.keys(counts).forEach((name) => setCounter(name, counts[name])))
      .catch(() => {});
  }

  function setCounter(name, value) {
    const el = document.querySelector(`[data-counter="${name}"]`);
    if (el && el.textContent !== String(value)) {
      el.textContent = value;
      el.classList.remove("cm-bump");
      void el.offsetWidth;
      el.classList.add("cm-bump");
    }
  }

  layerForm.addEventListener("change", (event) => {
    const input = event.target;
    if (input.name === "heat_days") {
      if (map.hasLayer(heatLayer)) loadHeat();
      else heatLoaded = null;
      return;
    }
    if (input.name === "legend") {
      $("#cm-legend").hidden = !input.checked;
      return;
    }
    const layer = layers[input.name];
    if (!layer) return;
    if (input.checked) {
      if (input.name === "heat") loadHeat().then(() => map.addLayer(heatLayer)).catch(() => banner(T.load_error));
      else map.addLayer(layer);
    } else {
      map.removeLayer(layer);
    }
    if (input.name === "areas") showLabels();
  });
  layerForm.addEventListener("submit", (event) => event.preventDefault());

  // -- the card of what was clicked, in the 详情 tab --------------------------------------------
  const slot = $("#cm-card");
  const selection = L.layerGroup().addTo(map);
  let current = null;
  let selectedGrid = null;

  function showTab(name) {
    const button = document.getElementById("cm-tab-" + name);
    if (button && window.bootstrap) window.bootstrap.Tab.getOrCreateInstance(button).show();
  }

  function select(kind, id, at) {
    selection.clearLayers();
    if (selectedGrid != null && gridPolygons[selectedGrid]) gridPolygons[selectedGrid].setStyle({ weight: 1, color: "#3d8bff", fillOpacity: 0.07 });
    selectedGrid = null;
    if (kind === "grid" && gridPolygons[id]) {
      selectedGrid = id;
      gridPolygons[id].setStyle({ weight: 3, color: "#ffffff", fillOpacity: 0.2 });
      return;
    }
    if (at) selection.addLayer(L.circleMarker(at, { pane: "cm-selection", radius: 18, color: "#ffffff", weight: 2, dashArray: "4 4", fill: false, interactive: false, className: "cm-selected" }));
  }

  function openCard(kind, id, at) {
    if (!CARD_KINDS.includes(kind)) return Promise.resolve();
    current = { kind: kind, id: id };
    select(kind, id, at);
    showTab("card");
    slot.classList.add("cm-loading");
    return fetch(`${cfg.urls.cards}${kind}/${id}/`, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then((r) => {
        if (!r.ok) throw new Error(String(r.status));
        return r.text();
      })
      .then((html) => {
        if (!current || current.kind !== kind || current.id !== id) return;
        slot.innerHTML = html;
        if (window.htmx) window.htmx.process(slot);
        const card = slot.querySelector(".map-card");
        if (card && !at && card.dataset.lat && card.dataset.lon) {
          const where = L.latLng(parseFloat(card.dataset.lat), parseFloat(card.dataset.lon));
          select(kind, id, where);
          if (!map.getBounds().pad(-0.1).contains(where)) map.flyTo(where, Math.max(map.getZoom(), 17), { duration: 0.8 });
        }
      })
      .catch(() => {
        slot.innerHTML = `<p class="cm-empty cm-error"><i class="bi bi-exclamation-triangle"></i> ${esc(T.load_error)}</p>`;
      })
      .finally(() => slot.classList.remove("cm-loading"));
  }

  // A write made from a card (派TA核实…): once it succeeds, show the case's new state
  // on the map; if the answer did not replace the card itself, reload the card.
  document.addEventListener("htmx:afterRequest", (event) => {
    const detail = event.detail || {};
    const request = detail.requestConfig || {};
    // htmx reuses this detail for later events: keep the element that sent the request.
    const sender = request.elt;
    if (!detail.successful || !request.verb || request.verb.toLowerCase() === "get" || !current) return;
    if (!slot.contains(event.target)) return;
    // The move is in the feed at once, even while the layer is a second behind.
    pollFeed();
    scheduleCases();
    const kept = current;
    setTimeout(() => {
      const untouched = sender && sender.isConnected && slot.contains(sender);
      if (untouched && current === kept) openCard(kept.kind, kept.id, null);
    }, 100);
  });

  // -- a worker's trail of the last hours --------------------------------------------------------
  const trailLayer = L.layerGroup().addTo(map);
  const trailInfo = document.createElement("div");
  trailInfo.className = "cm-trail-info";
  trailInfo.hidden = true;
  mapEl.parentElement.appendChild(trailInfo);

  function clearTrail() {
    trailLayer.clearLayers();
    trailInfo.hidden = true;
  }

  function showTrail(button) {
    const userId = button.dataset.trailUser;
    const hours = button.dataset.hours || "4";
    button.disabled = true;
    getJSON(`${cfg.urls.trail}${encodeURIComponent(userId)}?hours=${encodeURIComponent(hours)}`)
      .then((feature) => {
        clearTrail();
        const coords = (feature.geometry && feature.geometry.coordinates) || [];
        const p = feature.properties || {};
        const times = p.times || [];
        if (!coords.length) {
          trailInfo.innerHTML = `<i class="bi bi-signpost-split"></i> ${esc(p.name || "")} ${esc(T.trail_empty)}`;
          trailInfo.hidden = false;
          return;
        }
        const latlngs = coords.map((c) => L.latLng(c[1], c[0]));
        trailLayer.addLayer(L.polyline(latlngs, { pane: "cm-trail", color: "#ffd166", weight: 9, opacity: 0.18, interactive: false }));
        trailLayer.addLayer(L.polyline(latlngs, { pane: "cm-trail", color: "#ffd166", weight: 3, opacity: 0.95, dashArray: "1 7", lineCap: "round", className: "cm-trail", interactive: false }));
        trailLayer.addLayer(L.polyline(latlngs, { pane: "cm-trail", color: "#ffd166", weight: 2, opacity: 0.8, interactive: false }));
        const first = times[0];
        const last = times[times.length - 1];
        const start = L.circleMarker(latlngs[0], { pane: "cm-trail", radius: 5, color: "#ffd166", weight: 2, fillColor: "#071427", fillOpacity: 1 });
        const end = L.circleMarker(latlngs[latlngs.length - 1], { pane: "cm-trail", radius: 6, color: "#071427", weight: 2, fillColor: "#ffd166", fillOpacity: 1 });
        start.bindTooltip(`${esc(T.trail_start)} ${esc(hhmm(first))}`, { className: "cm-tip" });
        end.bindTooltip(`${esc(T.trail_end)} ${esc(hhmm(last))}`, { className: "cm-tip", permanent: true, direction: "right" });
        trailLayer.addLayer(start).addLayer(end);
        const range = `${hhmm(first)} – ${hhmm(last)}`;
        trailInfo.innerHTML = `<i class="bi bi-signpost-split"></i> <b>${esc(p.name || "")}</b> ${esc(T.trail)} <span class="cm-trail-range">${esc(range)}</span> <small>${latlngs.length}</small> <button type="button" class="cm-trail-close" aria-label="×">×</button>`;
        trailInfo.hidden = false;
        const note = button.parentElement.querySelector(".cm-trail-note") || document.createElement("div");
        note.className = "cm-trail-note";
        note.textContent = `${T.trail} ${range}`;
        button.insertAdjacentElement("afterend", note);
        map.fitBounds(L.latLngBounds(latlngs), { padding: [60, 60], maxZoom: 18 });
      })
      .catch(() => banner(T.load_error))
      .finally(() => {
        button.disabled = false;
      });
  }

  document.addEventListener("click", (event) => {
    const trail = event.target.closest("[data-trail-user]");
    if (trail) {
      event.preventDefault();
      showTrail(trail);
      return;
    }
    if (event.target.closest(".cm-trail-close")) clearTrail();
    // A case listed on a card (a grid's open cases) opens in the panel; with a modifier
    // key the link opens the case page as usual.
    const link = event.target.closest("#cm-card a[data-case]");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
      event.preventDefault();
      openCard("case", parseInt(link.dataset.case, 10), null);
    }
  });

  // -- the live feed: new and changed cases every few seconds -----------------------------------
  const feedList = $("#cm-feed");
  const feedEmpty = $("#cm-feed-empty");
  const feedNew = $("#cm-feed-new");
  let cursor = null;
  let unseen = 0;
  let casesTimer = null;
  let feedTimer = null;
  let polling = false;
  let pollAgain = false;

  function scheduleCases() {
    clearTimeout(casesTimer);
    casesTimer = setTimeout(() => {
      load("cases");
      refreshCounters();
    }, 300);
  }

  function feedItem(item) {
    const li = document.createElement("li");
    li.className = "cm-feed-item cm-fresh" + (item.overdue ? " cm-feed-overdue" : "") + (item.action === "report" ? " cm-feed-report" : "");
    li.tabIndex = 0;
    li.setAttribute("role", "button");
    li.dataset.case = item.case_id;
    li.dataset.event = item.event_id;
    li.innerHTML =
      `<div class="cm-feed-head"><time datetime="${esc(item.at)}">${esc(when(item.at))}</time>` +
      `<span class="cm-feed-action">${esc(item.action_label)}</span>` +
      `<span class="cm-feed-number">${esc(item.number)}</span></div>` +
      `<div class="cm-feed-title">${esc(item.title)}</div>` +
      `<div class="cm-feed-meta"><span class="cm-dot cm-status-${esc(item.status)}"></span>${esc(item.status_label)}` +
      (item.overdue ? ` <span class="cm-flag">${esc(T.overdue)}</span>` : "") +
      (item.source ? ` <span class="cm-feed-source">${esc(T.source[item.source] || item.source)}</span>` : "") +
      `</div>`;
    const go = () => {
      const at = item.lat != null && item.lon != null ? L.latLng(item.lat, item.lon) : null;
      if (at) map.flyTo(at, Math.max(map.getZoom(), 17.5), { duration: 0.8 });
      openCard("case", item.case_id, at);
    };
    li.addEventListener("click", go);
    li.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        go();
      }
    });
    setTimeout(() => li.classList.remove("cm-fresh"), 4000);
    return li;
  }

  function addFeed(items) {
    items
      .slice()
      .sort((a, b) => a.event_id - b.event_id)
      .forEach((item) => {
        const old = feedList.querySelector(`[data-event="${CSS.escape(String(item.event_id))}"]`);
        if (old) old.remove();
        feedList.prepend(feedItem(item));
      });
    while (feedList.children.length > 120) feedList.lastElementChild.remove();
    feedEmpty.hidden = feedList.children.length > 0;
  }

  function remember(items) {
    items.forEach((item) => recentEvents.push(item));
    recentEvents.sort((a, b) => a.event_id - b.event_id);
    recentEvents.splice(0, Math.max(0, recentEvents.length - RECENT_EVENTS));
    items.forEach(applyEvent);
  }

  // Polled every few seconds, and at once after the user's own move (a poll asked for
  // while one is on its way follows it).
  function pollFeed() {
    clearTimeout(feedTimer);
    if (polling) {
      pollAgain = true;
      return;
    }
    polling = true;
    const first = cursor === null;
    const url = cfg.urls.feed + (first ? "" : "?after=" + encodeURIComponent(cursor));
    getJSON(url)
      .then((data) => {
        banner(null);
        cursor = data.cursor;
        const items = data.items || [];
        if (!items.length) return;
        addFeed(items);
        remember(items);
        if (first) return;
        scheduleCases();
        if (!$("#cm-pane-feed").classList.contains("active")) {
          unseen += items.length;
          feedNew.textContent = unseen > 99 ? "99+" : String(unseen);
          feedNew.hidden = false;
        }
        if (soundOn && items.some((i) => i.action === "report")) beep();
      })
      .catch(() => banner(T.offline))
      .finally(() => {
        polling = false;
        if (pollAgain) {
          pollAgain = false;
          pollFeed();
        } else {
          feedTimer = setTimeout(pollFeed, cfg.feed_every_ms || 3000);
        }
      });
  }
  $("#cm-tab-feed").addEventListener("shown.bs.tab", () => {
    unseen = 0;
    feedNew.hidden = true;
  });

  // -- sound: a short two-tone beep on a new report, off unless switched on -----------------------
  const soundButton = $("#cm-sound");
  let soundOn = false;
  let audio = null;
  try {
    soundOn = window.localStorage.getItem(SOUND_KEY) === "1";
  } catch (e) {
    soundOn = false;
  }

  function renderSound() {
    soundButton.setAttribute("aria-pressed", soundOn ? "true" : "false");
    soundButton.classList.toggle("cm-on", soundOn);
    soundButton.querySelectorAll("[data-on]").forEach((el) => (el.hidden = !soundOn));
    soundButton.querySelectorAll("[data-off]").forEach((el) => (el.hidden = soundOn));
  }

  function beep() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume();
    const t0 = audio.currentTime + 0.01;
    [880, 1320].forEach((freq, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      const start = t0 + i * 0.18;
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(start);
      osc.stop(start + 0.17);
    });
  }

  soundButton.addEventListener("click", () => {
    soundOn = !soundOn;
    try {
      window.localStorage.setItem(SOUND_KEY, soundOn ? "1" : "0");
    } catch (e) {
      /* private mode: the choice lasts for this page only */
    }
    renderSound();
    if (soundOn) beep();
  });
  renderSound();

  // -- search: fly to the first match, list the others ---------------------------------------------
  const searchForm = $("#cm-search");
  const searchInput = $("#cm-search-q");
  const resultList = $("#cm-search-results");
  const KIND_ICONS = { case: "exclamation-diamond", building: "building", grid: "grid-3x3", area: "bounding-box", community: "bounding-box", street: "bounding-box", camera: "camera-video", worker: "person-badge", address: "geo-alt", dwelling: "door-closed" };
  let searchSeq = 0;
  let searchTimer = null;

  function goTo(result) {
    if (result.bounds) {
      const [w, s, e, n] = result.bounds;
      map.flyToBounds([[s, w], [n, e]], { padding: [40, 40], maxZoom: 18, duration: 0.8 });
    } else if (result.lat != null && result.lon != null) {
      map.flyTo([result.lat, result.lon], 18, { duration: 0.8 });
    }
    const at = result.lat != null && result.lon != null ? L.latLng(result.lat, result.lon) : null;
    // An address is a building's; a community has the grid card too.
    const kind = { address: "building", community: "grid" }[result.kind] || result.kind;
    if (CARD_KINDS.includes(kind)) openCard(kind, result.id, at);
    else select(null, null, at);
  }

  function listResults(results, flown) {
    resultList.innerHTML = "";
    if (!results.length) {
      resultList.innerHTML = `<li class="cm-result-none">${esc(T.no_results)}</li>`;
    }
    results.forEach((r, i) => {
      const li = document.createElement("li");
      li.className = "cm-result" + (flown && i === 0 ? " cm-result-active" : "");
      li.tabIndex = 0;
      li.innerHTML = `<i class="bi bi-${KIND_ICONS[r.kind] || "geo-alt"}"></i><span><b>${esc(r.label)}</b><small>${esc(r.sub || "")}</small></span>`;
      const pick = () => {
        resultList.querySelectorAll(".cm-result-active").forEach((el) => el.classList.remove("cm-result-active"));
        li.classList.add("cm-result-active");
        goTo(r);
      };
      li.addEventListener("click", pick);
      li.addEventListener("keydown", (e) => {
        if (e.key === "Enter") pick();
      });
      resultList.appendChild(li);
    });
    resultList.hidden = false;
  }

  function search(fly) {
    const q = searchInput.value.trim();
    if (!q) {
      resultList.hidden = true;
      return;
    }
    const seq = ++searchSeq;
    getJSON(cfg.urls.search + "?q=" + encodeURIComponent(q))
      .then((data) => {
        if (seq !== searchSeq) return;
        const results = data.results || [];
        listResults(results, fly);
        if (fly && results.length) goTo(results[0]);
      })
      .catch(() => banner(T.load_error));
  }

  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    search(true);
  });
  searchInput.addEventListener("input", () => {
    clearTimeout(searchTimer);
    if (searchInput.value.trim().length >= 2) searchTimer = setTimeout(() => search(false), 350);
    else resultList.hidden = true;
  });
  searchInput.addEventListener("keydown", (event) => {
    if (event.key === "Escape") resultList.hidden = true;
  });
  document.addEventListener("click", (event) => {
    if (!searchForm.contains(event.target)) resultList.hidden = true;
  });

  // -- the header clock and the connection banner ---------------------------------------------------
  const bannerEl = $("#cm-banner");
  function banner(text) {
    bannerEl.textContent = text || "";
    bannerEl.hidden = !text;
  }

  const timeEl = $("#cm-time");
  const dateEl = $("#cm-date");
  function tick() {
    const now = new Date();
    timeEl.textContent = timeFormat.format(now);
    dateEl.textContent = dayFormat.format(now);
  }
  tick();
  setInterval(tick, 1000);

  // -- start: the layers, then the feed; positions and camera states refresh on their own ------------
  Promise.all(["areas", "buildings", "cameras", "cases", "workers"].map(load)).then(() => {
    mapEl.dataset.ready = "1";
  });
  pollFeed();
  setInterval(() => {
    load("workers");
    refreshCounters();
  }, 30000);
  setInterval(() => load("cameras"), 60000);
})();
