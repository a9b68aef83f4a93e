// The small boundary map of an area page: the area itself outlined, its children
// filled and labelled, a grid's buildings as dots; clicking any of them opens its page. No base tiles: boundaries on a
// plain background work offline.
(function () {
  const el = document.getElementById("area-map");
  const data = document.getElementById("area-geojson");
  if (!el || !data || !window.L) return;
  const collection = JSON.parse(data.textContent);
  const map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  L.control.scale({ imperial: false }).addTo(map);
  const palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
  let i = 0;
  const layer = L.geoJSON(collection, {
    style: (f) => {
      if (f.properties.role === "self") return { color: "#1f4e96", weight: 3, fill: false };
      if (f.properties.role === "building") return { color: "#1f4e96", weight: 1.5, fillColor: "#fff", fillOpacity: 0.9 };
      return { color: "#fff", weight: 1.5, fillColor: palette[i++ % palette.length], fillOpacity: 0.55 };
    },
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 5 }),
    onEachFeature: (f, lyr) => {
      if (f.properties.role === "self") return;
      if (f.properties.role === "building") {
        lyr.bindTooltip(f.properties.name);
        lyr.on("click", () => { window.location.href = f.properties.url; });
        return;
      }
      lyr.bindTooltip(f.properties.name, { permanent: true, direction: "center", className: "gg-map-label" });
      lyr.on("click", () => { window.location.href = f.properties.url; });
    },
  }).addTo(map);
  if (collection.features.length) map.fitBounds(layer.getBounds(), { padding: [10, 10] });
  else map.setView([23.1043, 113.2522], 15);
})();
