// The report form: pick the big class to narrow the sub-classes, place the case by the
// phone's GPS or a pin on the map of the reporter's grids (WGS84, no base tiles), show
// the on-the-spot section when asked, and ask the server for likely duplicates.
(function () {
  const form = document.getElementById("report-form");
  if (!form) return;
  const lon = form.querySelector("[name=lon]");
  const lat = form.querySelector("[name=lat]");
  const coords = form.querySelector("[name=coords]");
  const where = document.getElementById("report-where");

  // Big class → sub-classes: rebuild the sub-class list from a copy of all groups.
  const big = document.getElementById("report-big");
  const sub = form.querySelector("[name=category]");
  if (big && sub) {
    const groups = Array.from(sub.querySelectorAll("optgroup")).map((g) => g.cloneNode(true));
    const placeholder = sub.querySelector("option[value='']");
    const chosen = sub.querySelector("option:checked");
    if (chosen && chosen.value) {
      const group = chosen.parentElement;
      if (group && group.label) big.value = group.label;
    }
    const fill = () => {
      const keep = sub.value;
      sub.replaceChildren(placeholder);
      groups.filter((g) => !big.value || g.label === big.value).forEach((g) => sub.appendChild(g.cloneNode(true)));
      sub.value = keep;
      if (sub.value !== keep) sub.value = "";
    };
    big.addEventListener("change", () => { fill(); if (!sub.value) sub.focus(); });
    fill();
  }

  // The on-the-spot section follows its switch.
  form.querySelectorAll("[data-shown-by]").forEach((section) => {
    const toggle = document.getElementById(section.getAttribute("data-shown-by"));
    if (!toggle) return;
    const sync = () => { section.hidden = !toggle.checked; };
    toggle.addEventListener("change", sync);
    sync();
  });

  // The map of the reporter's grids, and the pin.
  const el = document.getElementById("report-map");
  const areas = document.getElementById("report-areas");
  if (!el || !areas || !window.L) return;
  const collection = JSON.parse(areas.textContent);
  const map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  L.control.scale({ imperial: false }).addTo(map);
  const layer = L.geoJSON(collection, {
    style: () => ({ color: "#1f4e96", weight: 2, fillColor: "#4e79a7", fillOpacity: 0.12 }),
    onEachFeature: (f, lyr) => lyr.bindTooltip(f.properties.name, { permanent: collection.features.length <= 6, direction: "center", className: "gg-map-label" }),
  }).addTo(map);
  if (collection.features.length) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  else map.setView([23.1043, 113.2522], 15);

  let pin = null;
  const text = where ? where.textContent : "";
  const place = (latlng, note) => {
    if (pin) pin.setLatLng(latlng);
    else {
      pin = L.marker(latlng, { draggable: true, autoPan: true }).addTo(map);
      pin.on("dragend", () => place(pin.getLatLng(), ""));
    }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    coords.value = "wgs84";
    if (where) where.textContent = (where.dataset.chosen || "") + lon.value + ", " + lat.value + (note || "");
    document.body.dispatchEvent(new Event("gg-located"));
  };
  if (where) where.dataset.chosen = where.getAttribute("data-chosen-label") || "";
  if (lon.value && lat.value) {
    const latlng = L.latLng(parseFloat(lat.value), parseFloat(lon.value));
    pin = L.marker(latlng, { draggable: true }).addTo(map);
    pin.on("dragend", () => place(pin.getLatLng(), ""));
    map.setView(latlng, Math.max(map.getZoom(), 17));
  }
  map.on("click", (event) => place(event.latlng, ""));

  const locate = document.getElementById("report-locate");
  if (locate) {
    if (!navigator.geolocation) locate.hidden = true;
    locate.addEventListener("click", () => {
      locate.disabled = true;
      if (where) where.textContent = locate.getAttribute("data-waiting") || text;
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          locate.disabled = false;
          const latlng = L.latLng(pos.coords.latitude, pos.coords.longitude);
          const accuracy = " (±" + Math.round(pos.coords.accuracy) + " m)";
          place(latlng, accuracy);
          map.setView(latlng, 18);
        },
        () => {
          locate.disabled = false;
          if (where) where.textContent = locate.getAttribute("data-failed") || text;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 },
      );
    });
  }
})();
