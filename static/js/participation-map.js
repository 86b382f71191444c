/* Auzolan: the map of a process's proposals (participation/proposals/map.html). Progressive: the page's table lists
   the same proposals without JavaScript. Leaflet is served by the platform itself (xstatic-leaflet); the base map
   comes from the configured tile server (MAP_TILE_URL), a plain background when there is none. Labels are inserted
   as text, never as HTML. */
(function () {
  "use strict";

  function setup() {
    var element = document.getElementById("proposal-map");
    var status = document.getElementById("map-status");
    if (!element || typeof window.L === "undefined" || !window.auzolanBaseMap || !window.fetch) return;
    var L = window.L;
    var data = element.dataset;
    element.hidden = false;
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", data.label);
    element.setAttribute("aria-describedby", "map-description");
    if (status) status.textContent = data.loading;

    var map = window.auzolanBaseMap(element);
    map.setView([43.4, -1.3], 10);

    fetch(data.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (collection) {
        var group = L.featureGroup();
        collection.features.forEach(function (feature) {
          var c = feature.geometry.coordinates;
          var marker = L.circleMarker([c[1], c[0]], {
            radius: 7, color: "#ffffff", weight: 1.5, fillColor: "#1c4f8a", fillOpacity: 0.9,
          });
          var link = document.createElement("a");
          link.href = feature.properties.url;
          link.textContent = feature.properties.label;
          var info = document.createElement("p");
          info.textContent = feature.properties.status + " · " + feature.properties.supports;
          var box = document.createElement("div");
          box.appendChild(link);
          box.appendChild(info);
          marker.bindPopup(box);
          group.addLayer(marker);
        });
        group.addTo(map);
        var bounds = group.getBounds();
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
        if (status) status.textContent = "";
      })
      .catch(function () {
        element.hidden = true;
        if (status) status.textContent = data.failed;
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
