// The site's maps.
//
// The ground of every map is the city's digital twin (twin-basemap.js), drawn from its tiles, with the
// external tiles under it when the site has them. A consultation's or proposal's map shows the area,
// the objects tied to the page (highlighted) and the comments, loaded for the current view on every
// move: the server sends comments one by one when few, else clusters, drawn as numbered circles that
// zoom in when clicked. A click on an object of the twin tells what it is. With the comment form on the
// page, the map also writes into it: a click sets the point (the latitude/longitude fields, which work
// without the map), or picks the object under it (the same radio list the search fills), and
// Leaflet.draw draws a line or an area (the hidden geometry field). An object's page shows the object.
(function () {
  "use strict";
  const configNode = document.getElementById("map-config");
  // The consultation's map, an object's map, or a kiosk screen's map scene.
  const mapNode =
    document.getElementById("consultation-map") || document.getElementById("twin-map") || document.getElementById("kiosk-map");
  if (!configNode || !mapNode || !window.L) return;
  const config = JSON.parse(configNode.textContent);
  const labels = config.labels || {};
  const names = mapNode.dataset; // the controls' names, in the page's language
  // No fading and zooming animations for people who ask for less motion.
  const animate = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  const COLORS = { area: "#0b4f8a", linked: "#b35900", picked: "#a1261b", comment: "#083a66" };

  function format(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, (match, key) => (key in values ? values[key] : match));
  }

  function element(tag, text, attributes) {
    const node = document.createElement(tag);
    if (text) node.textContent = text; // never HTML from the data
    Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
    return node;
  }

  // Markers are no keyboard controls unless said so: Leaflet.draw's pointer helpers (its cursor and the
  // vertices being drawn) would be tab stops without a name. The clusters say so, and have one.
  L.Marker.prototype.options.keyboard = false;

  const map = L.map(mapNode, {
    keyboard: true,
    zoomControl: false,
    fadeAnimation: animate,
    zoomAnimation: animate,
    markerZoomAnimation: animate,
  }).setView(config.center, config.zoom);
  L.control
    .zoom({ zoomInTitle: names.labelZoomIn || "Zoom in", zoomOutTitle: names.labelZoomOut || "Zoom out" })
    .addTo(map);
  if (names.labelClosePopup) {
    map.on("popupopen", (event) => {
      const close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", names.labelClosePopup);
    });
  }
  // Without a twin (none imported yet), the map is as before it: the external tiles, if any.
  const basemap = L.twinBaseMap.ground(map, {
    basemap: config.basemap,
    tileUrl: config.tileUrl,
    attribution: config.attribution,
    tilesName: config.tilesName || labels.tilesName,
  });

  // An object's own page: its outline, nothing to load.
  if (config.feature) {
    const outline = L.geoJSON(config.feature.geometry, {
      interactive: false,
      style: { className: "map-twin-feature", color: COLORS.picked, weight: 3, fillOpacity: 0.2 },
    }).addTo(map);
    map.fitBounds(outline.getBounds(), { maxZoom: 18, padding: [20, 20] });
    mapNode.dataset.loaded = "1";
    return;
  }

  // Panes, bottom to top: the area, the twin, the tied objects; comments and drawings above (overlayPane).
  [
    ["areaPane", 350],
    ["twinPane", 360],
    ["linkedPane", 370],
  ].forEach(([name, zIndex]) => {
    map.createPane(name).style.zIndex = String(zIndex);
  });

  if (config.area) {
    const area = L.geoJSON(config.area, {
      pane: "areaPane",
      interactive: false,
      style: { className: "map-area", color: COLORS.area, weight: 3, fillOpacity: 0.08 },
    }).addTo(map);
    map.fitBounds(area.getBounds(), { maxZoom: 17 });
  }

  // --- the comment form's place: mode, pin, picked object, drawing ----------------------------------

  const form = {
    latitude: document.getElementById("id_latitude"),
    longitude: document.getElementById("id_longitude"),
    geometry: document.getElementById("id_geometry"),
    choices: document.getElementById("twin-choices"),
    search: document.getElementById("id_twin_q"),
    searchButton: document.querySelector("[data-twin-search]"),
    status: document.getElementById("twin-status"),
    drawingStatus: document.getElementById("drawing-status"),
    clearDrawing: document.querySelector("[data-clear-drawing]"),
    clearPin: document.querySelector("[data-clear-pin]"),
    modeSwitch: document.querySelector("[data-map-mode]"),
  };
  const canPick = Boolean(form.choices);
  let mode = "point";
  let drawing = false;
  let drawingEndedAt = 0;

  function selectedTwin() {
    const checked = form.choices && form.choices.querySelector("input[name=twin_feature]:checked");
    return checked && checked.value ? Number(checked.value) : null;
  }

  // --- the twin: the object under a click, and the objects tied to the page ------------------------

  const linkedLayer = L.layerGroup().addTo(map);
  const pickedLayer = L.layerGroup().addTo(map); // the chosen object's outline, when not a tied one
  const linkedIds = new Set((config.linked || []).map((item) => item.id));
  const objects = new Map(); // id -> the request for the object's label, link and outline

  function twinObject(id) {
    if (!objects.has(id)) {
      const url = config.twinFeatureUrl.replace(/\/0\/$/, "/" + id + "/");
      objects.set(id, fetchJSON(url).then((object) => object || Promise.reject(new Error("no object " + id))));
      objects.get(id).catch(() => objects.delete(id)); // asked again next time
    }
    return objects.get(id);
  }

  function twinInteractive() {
    return !canPick || mode === "pick"; // with the form, a click in "point" mode goes through to the map
  }

  function twinPopup(id, label, url) {
    const node = element("div");
    node.appendChild(element("p")).appendChild(element("strong", label));
    if (canPick && mode === "pick" && selectedTwin() === id) {
      node.appendChild(element("p", format(labels.picked, { label: label })));
    }
    node.appendChild(element("p")).appendChild(element("a", labels.aboutObject || "About this object", { href: url }));
    return node;
  }

  function onTwinClick(id, label) {
    if (canPick && mode === "pick") pick(id, label);
  }

  function twinStyle(id, base) {
    const picked = id === selectedTwin();
    return Object.assign({}, base, picked ? { color: COLORS.picked, weight: 4, fillOpacity: 0.35 } : {});
  }

  let twinShapes = []; // [{id, layer, base}]: restyled in place when the chosen object changes

  function addTwinShape(group, id, label, url, geometry, pane, base) {
    const interactive = twinInteractive();
    const layer = L.geoJSON(geometry, { pane: pane, interactive: interactive, style: twinStyle(id, base) });
    if (interactive) {
      // Picked first, so that the popup (opened by the same click) says so.
      layer.on("click", () => onTwinClick(id, label));
      layer.bindPopup(() => twinPopup(id, label, url));
    }
    twinShapes.push({ id: id, layer: layer, base: base });
    group.addLayer(layer);
  }

  // The chosen object stands out: a tied one in its own colour, any other by its outline.
  function showPicked() {
    twinShapes.forEach((shape) => shape.layer.setStyle(twinStyle(shape.id, shape.base)));
    pickedLayer.clearLayers();
    const id = selectedTwin();
    if (!id || linkedIds.has(id)) return;
    twinObject(id)
      .then((object) => {
        if (selectedTwin() !== id) return;
        pickedLayer.clearLayers();
        pickedLayer.addLayer(
          L.geoJSON(object.geometry, {
            pane: "twinPane",
            interactive: false,
            style: { className: "map-picked map-twin-" + id, color: COLORS.picked, weight: 4, fillOpacity: 0.2 },
          })
        );
      })
      .catch(() => undefined);
  }

  function drawLinked() {
    linkedLayer.clearLayers();
    twinShapes = [];
    (config.linked || []).forEach((item) => {
      const base = { className: "map-linked map-twin-" + item.id, color: COLORS.linked, weight: 4, dashArray: "8 6", fillColor: "#ffbf47", fillOpacity: 0.15 };
      addTwinShape(linkedLayer, item.id, item.label, item.url, item.geometry, "linkedPane", base);
    });
  }

  // A click on the ground asks the base map what lies there; comments, clusters and tied objects answer
  // their own clicks (Leaflet passes those on to the map as well: they are left alone here).
  let asked = 0;
  map.on("click", (event) => {
    if (!basemap || !map.hasLayer(basemap) || !twinInteractive() || drawing || Date.now() - drawingEndedAt < 400) return;
    const target = event.originalEvent && event.originalEvent.target;
    if (target instanceof Element && target.closest(".leaflet-interactive")) return;
    const found = basemap.featureAt(event.latlng);
    if (!found) return;
    const mine = ++asked;
    twinObject(found.id)
      .then((object) => {
        if (mine !== asked) return; // another click came since
        onTwinClick(object.id, object.label);
        L.popup().setLatLng(event.latlng).setContent(twinPopup(object.id, object.label, object.url)).openOn(map);
      })
      .catch(() => undefined);
  });

  // --- comments, one by one or in clusters ---------------------------------------------------------

  const commentLayer = L.layerGroup().addTo(map);
  const COMMENT_SHAPE = { className: "map-comment map-comment--shape", color: COLORS.comment, weight: 4, fillColor: "#ffbf47", fillOpacity: 0.3 };

  function clusterMarker(feature, template, className) {
    const [lon, lat] = feature.geometry.coordinates;
    const count = feature.properties.count;
    const name = format(template, { count: count });
    const size = count < 100 ? 34 : count < 10000 ? 44 : 54;
    const marker = L.marker([lat, lon], {
      keyboard: true,
      title: name,
      icon: L.divIcon({ className: className, html: "<span>" + Number(count) + "</span>", iconSize: [size, size] }),
    });
    marker.on("add", () => marker.getElement().setAttribute("aria-label", name));
    marker.on("click", () => map.setView([lat, lon], Math.min(map.getZoom() + 2, map.getMaxZoom())));
    return marker;
  }

  function commentPopup(feature) {
    return element("p", feature.properties.text);
  }

  // What a collection shows: a reload that brings the same (a popup panning the map into view, a small
  // move) leaves the layers, and their open popup, as they are.
  function signature(collection) {
    return collection.features
      .map((f) => (f.properties.cluster ? "c" + f.properties.count + "@" + f.geometry.coordinates.join(",") : f.id))
      .join(" ");
  }

  let commentsShown = null;
  function drawComments(collection) {
    const shown = signature(collection);
    if (shown === commentsShown) return;
    commentsShown = shown;
    commentLayer.clearLayers();
    collection.features.forEach((feature) => {
      if (feature.properties.cluster) {
        commentLayer.addLayer(clusterMarker(feature, labels.cluster, "map-cluster"));
        return;
      }
      const layer = L.geoJSON(feature, {
        pointToLayer: (point, latlng) =>
          L.circleMarker(latlng, { className: "map-comment", radius: 8, color: COLORS.comment, weight: 2, fillColor: "#ffbf47", fillOpacity: 0.9 }),
        // Lines and areas; the points keep their own style (GeoJSON styles would apply to them as well).
        style: (shape) => (shape.geometry.type === "Point" ? {} : COMMENT_SHAPE),
      });
      layer.bindPopup(() => commentPopup(feature));
      commentLayer.addLayer(layer);
    });
    mapNode.dataset.clusters = String(collection.features.filter((f) => f.properties.cluster).length);
    mapNode.dataset.loaded = String(collection.features.length);
  }

  // --- loading per view --------------------------------------------------------------------------

  function fetchJSON(url) {
    // The API negotiates on JSON; a GeoJSON-only Accept header is answered with 406.
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" } }).then((response) =>
      response.ok ? response.json() : null
    );
  }

  function viewQuery() {
    const bounds = map.getBounds().pad(0.1);
    const bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((v) => v.toFixed(6));
    return "bbox=" + bbox.join(",") + "&zoom=" + Math.round(map.getZoom());
  }

  let generation = 0;
  function load() {
    const mine = ++generation;
    const view = viewQuery();
    fetchJSON(config.contributionsUrl + "?consultation=" + encodeURIComponent(config.consultation) + "&" + view)
      .then((collection) => {
        if (mine === generation) drawComments(collection || { features: [] });
      })
      .catch(() => mine === generation && drawComments({ features: [] }));
  }

  let timer = null;
  map.on("moveend", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 150);
  });
  drawLinked();
  if (canPick) showPicked(); // a form sent back with an error keeps its object
  load();
  // A page that knows the comments changed (a kiosk screen, told by its socket) asks for them again.
  mapNode.addEventListener("map:reload", load);

  if (!form.latitude || !form.longitude) return;

  // --- the point: the map mirrors the latitude/longitude fields both ways --------------------------

  let pin = null;
  function showPin() {
    const lat = parseFloat(form.latitude.value);
    const lon = parseFloat(form.longitude.value);
    if (Number.isNaN(lat) || Number.isNaN(lon)) {
      if (pin) map.removeLayer(pin);
      pin = null;
      return;
    }
    // The pin only shows what the fields say: it is no control of its own (no tab stop named "Marker").
    if (!pin) pin = L.marker([lat, lon], { keyboard: false, interactive: false, alt: names.labelPin || "" }).addTo(map);
    pin.setLatLng([lat, lon]);
  }

  function clearPin() {
    form.latitude.value = "";
    form.longitude.value = "";
    showPin();
  }

  map.on("click", (event) => {
    if (mode !== "point" || drawing || Date.now() - drawingEndedAt < 400) return;
    form.latitude.value = event.latlng.lat.toFixed(6);
    form.longitude.value = event.latlng.lng.toFixed(6);
    setDrawing(null, false); // a comment has a point or a drawing, not both
    showPin();
  });
  [form.latitude, form.longitude].forEach((field) =>
    field.addEventListener("input", () => {
      if (field.value) setDrawing(null, false);
      showPin();
    })
  );
  if (form.clearPin) form.clearPin.addEventListener("click", clearPin);
  showPin();

  // --- the point by keyboard: the focused map shows a cross in its middle, the arrow keys move the map
  // under it (Leaflet's own keys), and Enter sets the pin at the cross and says where ------------------

  const announce = document.getElementById("map-announce");
  const degrees = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 5 });
  mapNode.classList.add("map--pinnable");
  mapNode.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.target !== mapNode || mode !== "point" || drawing) return;
    event.preventDefault();
    const center = map.getCenter();
    form.latitude.value = center.lat.toFixed(6);
    form.longitude.value = center.lng.toFixed(6);
    setDrawing(null, false); // a comment has a point or a drawing, not both
    showPin();
    if (announce) {
      announce.textContent = format(names.labelPinSet, { lat: degrees.format(center.lat), lon: degrees.format(center.lng) });
    }
  });

  // --- the mode of a click: set the point, or pick an object --------------------------------------

  if (form.modeSwitch && canPick) {
    form.modeSwitch.hidden = false;
    // The page may start in "pick" (a touch terminal): the mode checked in it.
    const checkedMode = form.modeSwitch.querySelector("input[name=map_mode]:checked");
    if (checkedMode && checkedMode.value !== mode) {
      mode = checkedMode.value;
      mapNode.classList.toggle("map--pick", mode === "pick");
      drawLinked();
    }
    form.modeSwitch.addEventListener("change", (event) => {
      if (event.target.name !== "map_mode") return;
      mode = event.target.value;
      mapNode.classList.toggle("map--pick", mode === "pick");
      map.closePopup();
      drawLinked();
    });
  }

  // --- the object: picked on the map or found by the search, one radio list ------------------------

  function choiceItem(id, label, kind) {
    const item = element("li", "", { "data-twin-choice": String(id) });
    const input = element("input", "", { type: "radio", name: "twin_feature", value: String(id), id: "twin-choice-" + id });
    const text = element("label", label, { for: "twin-choice-" + id });
    if (kind) text.append(" ", element("span", "(" + kind + ")", { class: "muted" }));
    item.append(input, text);
    return item;
  }

  function pick(id, label) {
    let input = document.getElementById("twin-choice-" + id);
    if (!input) {
      form.choices.appendChild(choiceItem(id, label));
      input = document.getElementById("twin-choice-" + id);
    }
    input.checked = true;
    if (form.status) form.status.textContent = format(labels.picked, { label: label });
    showPicked();
  }

  if (canPick) {
    form.choices.addEventListener("change", showPicked);
  }

  function showResults(query, results) {
    const keep = new Set();
    form.choices.querySelectorAll("li[data-twin-choice]").forEach((item) => {
      const checked = item.querySelector("input:checked");
      if (item.hasAttribute("data-linked") || checked) keep.add(item.dataset.twinChoice);
      else item.remove();
    });
    // What was found comes first, right after "No object": one arrow key away.
    const first = form.choices.querySelector("li[data-twin-choice]");
    results
      .filter((result) => !keep.has(String(result.id)))
      .forEach((result) => {
        // As the server's list (twin_picker.html): a named object says what it is ("Kirche"); an unnamed
        // one's label says so already.
        const named = result.address || (result.name && result.name.trim() !== result.twin_id);
        form.choices.insertBefore(choiceItem(result.id, result.label, named ? result.category : ""), first);
      });
    const template = results.length === 0 ? labels.foundNone : results.length === 1 ? labels.foundOne : labels.foundMany;
    form.status.textContent = format(template, { query: query, counter: results.length });
  }

  function search() {
    const query = form.search.value.trim();
    if (!query) return;
    form.status.textContent = labels.searching || "";
    const url = config.twinSearchUrl + "?consultation=" + encodeURIComponent(config.consultation) + "&q=" + encodeURIComponent(query);
    fetchJSON(url)
      .then((results) => {
        if (!Array.isArray(results)) throw new Error("no answer");
        showResults(query, results);
      })
      .catch(() => {
        form.status.textContent = labels.searchFailed || "";
      });
  }

  if (form.search && form.searchButton && form.status) {
    // With the script, the search answers in place; without it, the button sends the form to search.
    form.searchButton.addEventListener("click", (event) => {
      event.preventDefault();
      search();
    });
    form.search.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      search();
    });
  }

  // --- the drawing: a line or an area, with Leaflet.draw ------------------------------------------

  const drawn = L.featureGroup().addTo(map);

  function describe(geometry) {
    const latlngs = (geometry.type === "Polygon" ? geometry.coordinates[0] : geometry.coordinates).map(([lon, lat]) =>
      L.latLng(lat, lon)
    );
    if (geometry.type === "LineString") {
      let length = 0;
      for (let i = 1; i < latlngs.length; i += 1) length += map.distance(latlngs[i - 1], latlngs[i]);
      return format(labels.lineDrawn, { length: Math.round(length) });
    }
    const size = L.GeometryUtil && L.GeometryUtil.geodesicArea ? L.GeometryUtil.geodesicArea(latlngs) : 0;
    return format(labels.areaDrawn, { size: Math.round(size) });
  }

  function setDrawing(geometry, announce) {
    if (!form.geometry) return;
    const had = Boolean(form.geometry.value);
    drawn.clearLayers();
    form.geometry.value = geometry ? JSON.stringify(geometry) : "";
    if (geometry) {
      L.geoJSON(geometry, {
        interactive: false,
        style: { className: "map-drawing", color: COLORS.picked, weight: 4, dashArray: "2 6", fillOpacity: 0.2 },
      }).eachLayer((layer) => drawn.addLayer(layer));
    }
    if (form.clearDrawing) form.clearDrawing.hidden = !geometry;
    if (form.drawingStatus && (announce || geometry)) {
      form.drawingStatus.textContent = geometry ? describe(geometry) : had ? labels.drawingRemoved || "" : "";
    }
  }

  if (form.geometry && L.Control && L.Control.Draw) {
    const local = L.drawLocal.draw;
    local.toolbar.buttons.polyline = labels.drawLine || local.toolbar.buttons.polyline;
    local.toolbar.buttons.polygon = labels.drawArea || local.toolbar.buttons.polygon;
    local.toolbar.actions = { title: labels.cancelTitle, text: labels.cancel };
    local.toolbar.finish = { title: labels.finishTitle, text: labels.finish };
    local.toolbar.undo = { title: labels.undoTitle, text: labels.undo };
    local.handlers.polyline.tooltip = { start: labels.lineStart, cont: labels.lineCont, end: labels.lineEnd };
    local.handlers.polygon.tooltip = { start: labels.areaStart, cont: labels.areaCont, end: labels.areaEnd };
    local.handlers.polyline.error = element("span", labels.crossing).outerHTML; // Leaflet.draw writes it as HTML

    const shape = { color: COLORS.picked, weight: 4, fillOpacity: 0.2 };
    map.addControl(
      new L.Control.Draw({
        position: "topleft",
        draw: {
          polyline: { shapeOptions: shape, metric: true },
          polygon: { allowIntersection: false, showArea: false, shapeOptions: shape },
          rectangle: false,
          circle: false,
          marker: false,
          circlemarker: false,
        },
      })
    );
    map.on(L.Draw.Event.DRAWSTART, () => {
      drawing = true;
      map.closePopup();
    });
    map.on(L.Draw.Event.DRAWSTOP, () => {
      drawing = false;
      drawingEndedAt = Date.now();
    });
    map.on(L.Draw.Event.CREATED, (event) => {
      clearPin(); // a comment has a point or a drawing, not both
      setDrawing(event.layer.toGeoJSON().geometry, true);
    });
    if (form.clearDrawing) form.clearDrawing.addEventListener("click", () => setDrawing(null, true));
  }

  // A comment sent back with an error keeps its drawing.
  if (form.geometry && form.geometry.value) {
    try {
      setDrawing(JSON.parse(form.geometry.value), false);
    } catch (error) {
      setDrawing(null, false);
    }
  }
})();
