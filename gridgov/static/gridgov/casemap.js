// The small map of the case page: the case's grid outlined and the case's point.
// No base tiles: boundaries on a plain background work offline.
(function () {
  const el = document.getElementById("case-map");
  const data = document.getElementById("case-map-data");
  if (!el || !data || !window.L) return;
  const info = JSON.parse(data.textContent);
  const map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  L.control.scale({ imperial: false }).addTo(map);
  let bounds = null;
  if (info.grid) {
    const grid = L.geoJSON(info.grid, { style: { color: "#1f4e96", weight: 2, fillColor: "#4e79a7", fillOpacity: 0.1 } }).addTo(map);
    grid.bindTooltip(info.name);
    bounds = grid.getBounds();
  }
  if (info.point) {
    const latlng = L.latLng(info.point[1], info.point[0]);
    L.marker(latlng).addTo(map);
    if (bounds) bounds.extend(latlng);
    else map.setView(latlng, 17);
  }
  if (bounds) map.fitBounds(bounds, { padding: [12, 12] });
  else if (!info.point) el.hidden = true;
})();
