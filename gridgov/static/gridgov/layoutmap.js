// The maps of a grid layout page: the proposed (or recorded) grids, and beside them the
// current grids, each grid coloured by how far its households are from the target and
// labelled with its number. Both maps show the same extent and move together, so the
// same streets line up.
(function () {
  if (!window.L) return;
  const colour = (d) => {
    if (d === null || d === undefined) return "#4e79a7";
    const a = Math.abs(d);
    if (a <= 0.1) return "#59a14f";
    if (a <= 0.2) return "#edc948";
    return "#e15759";
  };
  const maps = [];
  function draw(elementId, dataId, target) {
    const el = document.getElementById(elementId);
    const data = document.getElementById(dataId);
    if (!el || !data) return null;
    const collection = JSON.parse(data.textContent);
    const map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
    L.control.scale({ imperial: false }).addTo(map);
    const layer = L.geoJSON(collection, {
      style: (f) => ({
        color: "#fff", weight: 1.5, fillOpacity: 0.6,
        fillColor: colour(target ? (f.properties.households - target) / target : null),
      }),
      onEachFeature: (f, lyr) => {
        const p = f.properties;
        lyr.bindTooltip(String(Number(p.code.slice(-3))), { permanent: true, direction: "center", className: "gg-map-label" });
        const card = document.createElement("div");
        const name = document.createElement("strong");
        name.textContent = p.name;
        card.append(name, document.createElement("br"), `${p.code}`, document.createElement("br"),
          `${p.households} 户 · ${p.buildings} 栋`);
        lyr.bindPopup(card);
      },
    }).addTo(map);
    maps.push(map);
    if (collection.features.length) bounds.extend(layer.getBounds());
    return map;
  }
  const bounds = L.latLngBounds([]);
  const target = Number(document.getElementById("layout-map-proposed")?.dataset.target || 0) || null;
  draw("layout-map-current", "layout-current", target);
  draw("layout-map-proposed", "layout-proposed", target);
  maps.forEach((m) => {
    if (bounds.isValid()) m.fitBounds(bounds, { padding: [10, 10], animate: false });
    else m.setView([23.1043, 113.2522], 15);
  });
  if (maps.length === 2) {
    let syncing = false;
    maps.forEach((m, i) => m.on("moveend", () => {
      if (syncing) return;
      syncing = true;
      const other = maps[1 - i];
      other.setView(m.getCenter(), m.getZoom(), { animate: false });
      syncing = false;
    }));
  }
})();
