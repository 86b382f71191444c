/* Auzolan: point the place of a proposal on a map (participation/proposals/form.html). Progressive: without
   JavaScript the latitude and longitude fields are typed, and the address field describes the place in words.
   Clicking the map (or, with the keyboard, moving the map and pressing "Placer le point au centre de la carte")
   fills both fields; typing in them moves the point. The districts' outlines are drawn as landmarks. Leaflet is
   served by the platform itself; tiles come from the configured tile server only. */
(function () {
  "use strict";

  function setup() {
    var element = document.getElementById("point-map");
    var tools = document.getElementById("point-map-tools");
    var latInput = document.getElementById("id_latitude");
    var lonInput = document.getElementById("id_longitude");
    if (!element || !tools || !latInput || !lonInput || typeof window.L === "undefined" || !window.auzolanBaseMap) return;
    var L = window.L;
    var data = element.dataset;
    var status = document.getElementById("point-map-status");
    tools.hidden = false;
    element.setAttribute("role", "application");
    element.setAttribute("aria-label", data.label);
    element.setAttribute("aria-describedby", "point-map-help");

    var map = window.auzolanBaseMap(element);

    var outlines = null;
    var source = document.getElementById("district-outlines");
    if (source) {
      try {
        var collection = JSON.parse(source.textContent);
        if (collection.features && collection.features.length) {
          outlines = L.geoJSON(collection, {
            style: { color: "#1c4f8a", weight: 2, fillOpacity: 0.05 },
            onEachFeature: function (feature, shape) {
              var label = document.createElement("span");
              label.textContent = feature.properties.name;
              shape.bindTooltip(label, { permanent: true, direction: "center", className: "map-outline-label" });
            },
          }).addTo(map);
        }
      } catch (error) {
        outlines = null;
      }
    }

    var marker = null;

    function value(input) {
      var text = (input.value || "").trim().replace(",", ".");
      if (text === "") return null;
      var number = Number(text);
      return isFinite(number) ? number : null;
    }

    function say(text) {
      if (status) status.textContent = text;
    }

    function show(lat, lon) {
      if (marker) marker.setLatLng([lat, lon]);
      else {
        marker = L.circleMarker([lat, lon], {
          radius: 9, color: "#ffffff", weight: 2, fillColor: "#b3261e", fillOpacity: 0.95,
        }).addTo(map);
      }
    }

    function place(latlng) {
      var lat = Math.round(latlng.lat * 1e6) / 1e6;
      var lon = Math.round(latlng.lng * 1e6) / 1e6;
      latInput.value = lat.toFixed(6);
      lonInput.value = lon.toFixed(6);
      show(lat, lon);
      say(data.placed.replace("%(lat)s", lat.toFixed(5)).replace("%(lon)s", lon.toFixed(5)));
    }

    function clear() {
      latInput.value = "";
      lonInput.value = "";
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
      say(data.cleared);
    }

    function fromInputs() {
      var lat = value(latInput);
      var lon = value(lonInput);
      if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
        show(lat, lon);
        return [lat, lon];
      }
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
      return null;
    }

    var start = fromInputs();
    if (start) map.setView(start, 16);
    else if (outlines && outlines.getBounds().isValid()) map.fitBounds(outlines.getBounds(), { padding: [10, 10] });
    else map.setView([43.4, -1.3], 10);

    map.on("click", function (event) { place(event.latlng); });
    tools.querySelector("[data-point-center]").addEventListener("click", function () { place(map.getCenter()); });
    tools.querySelector("[data-point-clear]").addEventListener("click", clear);
    latInput.addEventListener("change", fromInputs);
    lonInput.addEventListener("change", fromInputs);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
