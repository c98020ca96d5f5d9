// Draw a consultation's area in the Wagtail admin, on the twin as base map (twin-basemap.js). The
// textarea keeps the GeoJSON; the map reads it, and writes back what the editor draws.
(function () {
  "use strict";

  function init(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    const field = root.querySelector("textarea");
    // The map's settings (those of the site's maps) and Leaflet.draw's words, in the admin's language.
    const config = JSON.parse(root.querySelector("script[type='application/json']").textContent);
    const map = L.map(root.querySelector(".area-widget__map")).setView(config.center, config.zoom);
    L.twinBaseMap.ground(map, config);
    const drawn = new L.FeatureGroup().addTo(map);

    function showField() {
      drawn.clearLayers();
      if (!field.value.trim()) return;
      try {
        const layer = L.geoJSON(JSON.parse(field.value));
        layer.eachLayer((l) => drawn.addLayer(l));
        map.fitBounds(drawn.getBounds(), { maxZoom: 17 });
      } catch (e) {
        /* the server explains what is wrong with the text on save */
      }
    }

    function writeField() {
      const layers = drawn.getLayers();
      if (!layers.length) {
        field.value = "";
        return;
      }
      field.value = JSON.stringify(layers[layers.length - 1].toGeoJSON().geometry);
    }

    mergeInto(L.drawLocal, config.drawLabels);

    map.addControl(
      new L.Control.Draw({
        draw: { polygon: { allowIntersection: false }, rectangle: true, polyline: false, circle: false, marker: false, circlemarker: false },
        edit: { featureGroup: drawn },
      })
    );
    map.on(L.Draw.Event.CREATED, (event) => {
      drawn.clearLayers();
      drawn.addLayer(event.layer);
      writeField();
    });
    map.on(L.Draw.Event.EDITED, writeField);
    map.on(L.Draw.Event.DELETED, writeField);
    field.addEventListener("change", showField);
    showField();
  }

  function mergeInto(target, source) {
    for (const [key, value] of Object.entries(source)) {
      if (value && typeof value === "object" && target[key]) mergeInto(target[key], value);
      else target[key] = value;
    }
  }

  function initAll() {
    document.querySelectorAll("[data-area-widget]").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
