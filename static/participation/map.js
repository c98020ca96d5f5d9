// The consultation map: its area, the pinned comments, and (when the comment
// form is there) a pin that mirrors the latitude/longitude fields both ways.
(function () {
  "use strict";
  const configNode = document.getElementById("map-config");
  const mapNode = document.getElementById("consultation-map");
  if (!configNode || !mapNode || !window.L) return;
  const config = JSON.parse(configNode.textContent);
  const labels = mapNode.dataset; // the controls' names, in the page's language
  // No fading and zooming animations for people who ask for less motion.
  const animate = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  const map = L.map(mapNode, {
    keyboard: true,
    zoomControl: false,
    fadeAnimation: animate,
    zoomAnimation: animate,
    markerZoomAnimation: animate,
  }).setView(config.center, config.zoom);
  L.control
    .zoom({ zoomInTitle: labels.labelZoomIn || "Zoom in", zoomOutTitle: labels.labelZoomOut || "Zoom out" })
    .addTo(map);
  if (labels.labelClosePopup) {
    map.on("popupopen", (event) => {
      const close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", labels.labelClosePopup);
    });
  }
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  }
  if (config.area) {
    const area = L.geoJSON(config.area, { style: { color: "#0b4f8a", weight: 3, fillOpacity: 0.08 } }).addTo(map);
    map.fitBounds(area.getBounds(), { maxZoom: 17 });
  }

  function popupFor(feature) {
    const node = document.createElement("p");
    node.textContent = feature.properties.text; // never HTML from citizens
    return node;
  }

  fetch("/api/v1/contributions/geojson/?consultation=" + encodeURIComponent(config.consultation), {
    // The API negotiates on JSON; a GeoJSON-only Accept header is answered with 406.
    headers: { Accept: "application/geo+json, application/json" },
  })
    .then((response) => (response.ok ? response.json() : { features: [] }))
    .then((collection) => {
      L.geoJSON(collection, {
        pointToLayer: (feature, latlng) =>
          L.circleMarker(latlng, { radius: 8, color: "#083a66", weight: 2, fillColor: "#ffbf47", fillOpacity: 0.9 }),
        onEachFeature: (feature, layer) => layer.bindPopup(popupFor(feature)),
      }).addTo(map);
      mapNode.dataset.loaded = String(collection.features.length);
    });

  const latitude = document.getElementById("id_latitude");
  const longitude = document.getElementById("id_longitude");
  if (!latitude || !longitude) return;
  let pin = null;

  function showPin() {
    const lat = parseFloat(latitude.value);
    const lon = parseFloat(longitude.value);
    if (Number.isNaN(lat) || Number.isNaN(lon)) {
      if (pin) map.removeLayer(pin);
      pin = null;
      return;
    }
    // The pin only shows what the fields say: it is no control of its own (no tab stop named "Marker").
    if (!pin) pin = L.marker([lat, lon], { keyboard: false, interactive: false, alt: labels.labelPin || "" }).addTo(map);
    pin.setLatLng([lat, lon]);
  }

  map.on("click", (event) => {
    latitude.value = event.latlng.lat.toFixed(6);
    longitude.value = event.latlng.lng.toFixed(6);
    showPin();
  });
  latitude.addEventListener("input", showPin);
  longitude.addEventListener("input", showPin);
  const clear = document.querySelector("[data-clear-pin]");
  if (clear) {
    clear.addEventListener("click", () => {
      latitude.value = "";
      longitude.value = "";
      showPin();
    });
  }
  showPin();
})();
