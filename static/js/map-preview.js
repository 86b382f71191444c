/* Auzolan: the map of a data preview (datastore/preview/_map.html). Progressive: without JavaScript the page shows
   the list of positions only. Leaflet is served by the platform itself (the xstatic-leaflet package); the base map
   comes from the configured tile server (MAP_TILE_URL), a plain background when there is none. Nothing is requested
   from another host unless that tile server is configured. */
(function () {
  "use strict";

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function setup() {
    var element = document.getElementById("map-preview");
    var status = document.getElementById("map-status");
    if (!element || typeof window.L === "undefined" || !window.fetch) return;
    var L = window.L;
    var data = element.dataset;
    element.hidden = false;
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", data.label);
    element.setAttribute("aria-describedby", "map-description");
    if (status) status.textContent = data.loading;

    var map = L.map(element, { zoomControl: false, attributionControl: false, keyboard: true, worldCopyJump: false });
    L.control.zoom({ zoomInTitle: data.zoomIn, zoomOutTitle: data.zoomOut }).addTo(map);
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: escapeHtml(data.tileAttribution || "") }).addTo(map);
      L.control.attribution({ prefix: false }).addTo(map);
    } else {
      element.classList.add("map-preview__map--plain");
    }
    map.setView([46.5, 2.5], 5);

    fetch(data.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {
              radius: 5, color: "#ffffff", weight: 1.5, fillColor: "#1c4f8a", fillOpacity: 1,
            });
          },
          style: function () {
            return { color: "#1c4f8a", weight: 2, fillColor: "#1c4f8a", fillOpacity: 0.25 };
          },
          onEachFeature: function (feature, item) {
            var label = feature.properties && feature.properties.label;
            if (label) item.bindTooltip(escapeHtml(label));
          },
        }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
        if (status) {
          status.textContent = collection.sampled
            ? data.sampled.replace("%(shown)s", collection.shown).replace("%(total)s", collection.total)
            : "";
        }
      })
      .catch(function () {
        element.hidden = true;
        if (status) status.textContent = data.failed;
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
