/* Auzolan: the base of every Leaflet map of the platform — zoom buttons with French titles, the tile layer of the
   configured tile server (MAP_TILE_URL) with its attribution written as text, or a plain background without one.
   Reads the map element's data attributes: tileUrl, tileAttribution, zoomIn, zoomOut. */
(function () {
  "use strict";
  window.auzolanBaseMap = function (element) {
    var L = window.L;
    var data = element.dataset;
    var map = L.map(element, { zoomControl: false, attributionControl: false, keyboard: true });
    L.control.zoom({ zoomInTitle: data.zoomIn, zoomOutTitle: data.zoomOut }).addTo(map);
    if (data.tileUrl) {
      var layer = L.tileLayer(data.tileUrl, { maxZoom: 19 });
      layer.getAttribution = function () { return ""; };
      layer.addTo(map);
      if (data.tileAttribution) {
        var attribution = L.control.attribution({ prefix: false }).addTo(map);
        attribution.getContainer().textContent = data.tileAttribution;
      }
    } else {
      element.classList.add("map-preview__map--plain");
    }
    return map;
  };
})();
