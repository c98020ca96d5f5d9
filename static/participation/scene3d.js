// The 3D view of a consultation: MapLibre GL JS draws the twin's buildings extruded by their heights on a
// style made here, with no tiles from anywhere: a background, the consultation's area, the buildings from
// scene.geojson and the comments pinned to places. Without WebGL the page keeps its table and says why.
const configNode = document.getElementById("scene-config");
const container = document.getElementById("scene-map");
const body = document.getElementById("scene-body");
const statusNode = document.getElementById("scene-status");

// Colours of what citizens said; the legend in the template shows the same ones (scene3d.css).
const COLOURS = {
  background: "#eef0eb",
  area: "#0b4f8a",
  building: "#d4d1ca",
  commented: "#4d8fd1",
  linked: "#a99cc9",
  oppose: "#a1261b",
  divided: "#d9a521",
  support: "#1d6b2f",
  pin: "#ffbf47",
  pinStroke: "#083a66",
};
const EMPTY = { type: "FeatureCollection", features: [] };
const CAMERA = { pitch: 60, bearing: -20 };
// Heights as the pages write them ("12,5 m" in German).
const metres = new Intl.NumberFormat(document.documentElement.lang || undefined, {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

function say(message) {
  statusNode.textContent = message;
}

function unavailable(message) {
  body.hidden = true;
  container.dataset.state = "unavailable";
  say(message);
}

function webgl2Available() {
  try {
    return Boolean(document.createElement("canvas").getContext("webgl2"));
  } catch {
    return false;
  }
}

async function getJson(url) {
  // The contributions API negotiates on JSON: a GeoJSON-only Accept header would be answered with 406.
  const response = await fetch(url, { headers: { Accept: "application/geo+json, application/json" } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

function buildingColour() {
  const share = ["get", "support_share"];
  return [
    "case",
    [">", ["get", "proposals"], 0],
    [
      "case",
      ["==", ["typeof", share], "number"],
      ["interpolate", ["linear"], share, 0, COLOURS.oppose, 0.5, COLOURS.divided, 1, COLOURS.support],
      COLOURS.linked,
    ],
    [">", ["get", "contributions"], 0],
    COLOURS.commented,
    COLOURS.building,
  ];
}

function style(config) {
  return {
    version: 8,
    sources: {
      area: { type: "geojson", data: config.area || EMPTY },
      buildings: { type: "geojson", data: EMPTY },
      pins: { type: "geojson", data: EMPTY },
    },
    layers: [
      { id: "background", type: "background", paint: { "background-color": COLOURS.background } },
      { id: "area-fill", type: "fill", source: "area", paint: { "fill-color": COLOURS.area, "fill-opacity": 0.07 } },
      { id: "area-line", type: "line", source: "area", paint: { "line-color": COLOURS.area, "line-width": 3 } },
      {
        id: "buildings",
        type: "fill-extrusion",
        source: "buildings",
        paint: {
          "fill-extrusion-color": buildingColour(),
          "fill-extrusion-height": ["coalesce", ["get", "height"], config.defaultHeight],
          "fill-extrusion-base": 0,
          "fill-extrusion-opacity": 0.95,
          "fill-extrusion-vertical-gradient": true,
        },
      },
      {
        id: "pins",
        type: "circle",
        source: "pins",
        paint: {
          "circle-radius": 7,
          "circle-color": COLOURS.pin,
          "circle-stroke-color": COLOURS.pinStroke,
          "circle-stroke-width": 2.5,
          "circle-pitch-alignment": "viewport",
        },
      },
    ],
  };
}

// Popups are built from text nodes only: names and comments come from people, never as HTML.
function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function buildingPopup(properties, labels) {
  const node = element("div", undefined, "scene-popup");
  node.append(element("p", properties.name, "scene-popup__title"));
  const facts = element("dl");
  const height =
    typeof properties.height === "number" ? `${metres.format(properties.height)} m` : labels.heightUnknown;
  const rows = [[labels.height, height], [labels.comments, properties.contributions]];
  if (properties.proposals > 0) {
    rows.push([labels.support, properties.support], [labels.oppose, properties.oppose], [labels.abstain, properties.abstain]);
  }
  for (const [term, value] of rows) facts.append(element("dt", term), element("dd", String(value)));
  node.append(facts);
  return node;
}

function pinPopup(properties, labels) {
  const node = element("div", undefined, "scene-popup");
  node.append(element("p", labels.comment, "scene-popup__title"), element("p", properties.text, "scene-popup__text"));
  return node;
}

// MapLibre fits bounds for a camera looking straight down and leaves a tilted view far too wide: from there,
// centre the area's corners on the screen and come closer while all four stay inside it.
function fitArea(map, [west, south, east, north], padding = 24) {
  map.fitBounds([west, south, east, north], { padding, pitch: CAMERA.pitch, bearing: CAMERA.bearing, duration: 0 });
  const corners = [[west, south], [east, south], [east, north], [west, north]];
  const canvas = map.getCanvas();
  const box = () => {
    const points = corners.map((corner) => map.project(corner));
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
  };
  const fits = ({ left, right, top, bottom }) =>
    left >= padding && top >= padding && right <= canvas.clientWidth - padding && bottom <= canvas.clientHeight - padding;
  const centre = () => {
    const { left, right, top, bottom } = box();
    map.panBy([(left + right - canvas.clientWidth) / 2, (top + bottom - canvas.clientHeight) / 2], { duration: 0 });
  };
  centre();
  for (let step = 0; step < 40; step += 1) {
    const before = { center: map.getCenter(), zoom: map.getZoom() };
    map.setZoom(before.zoom + 0.1);
    centre();
    if (!fits(box())) {
      map.jumpTo(before);
      break;
    }
  }
}

async function start() {
  if (!configNode || !container) return;
  const config = JSON.parse(configNode.textContent);
  const labels = config.labels;
  if (!webgl2Available()) {
    unavailable(labels.noWebgl);
    return;
  }
  say(labels.loading);
  body.hidden = false;

  let maplibregl;
  let scene;
  let pins;
  try {
    [maplibregl, scene, pins] = await Promise.all([
      import(config.maplibreUrl),
      getJson(config.sceneUrl),
      getJson(config.pinsUrl),
    ]);
  } catch (error) {
    console.warn("3D view:", error);
    unavailable(labels.failed);
    return;
  }

  let map;
  try {
    map = new maplibregl.Map({
      container,
      style: style(config),
      center: config.center,
      zoom: config.zoom,
      ...CAMERA,
      maxPitch: 75,
      locale: config.locale,
      attributionControl: { compact: true },
      // Keyboard (arrows, Shift+arrows, +/-) and the navigation control work as MapLibre has them.
      keyboard: true,
    });
  } catch (error) {
    // MapLibre throws when it gets no WebGL 2 context (GPUInitializationError).
    console.warn("3D view:", error);
    unavailable(labels.noWebgl);
    return;
  }
  window.scene3d = { map }; // for the browser tests (and anyone curious in the console)
  map.getCanvas().setAttribute("aria-describedby", "scene-help");
  map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), "top-right");
  map.on("error", (event) => console.warn("3D view:", event.error));

  map.on("load", () => {
    map.getSource("buildings").setData(scene);
    map.getSource("pins").setData(pins);
    // A page that knows the votes or comments changed (a kiosk screen, told by its socket) redraws them.
    container.addEventListener("scene:reload", () => {
      Promise.all([getJson(config.sceneUrl), getJson(config.pinsUrl)])
        .then(([buildings, comments]) => {
          map.getSource("buildings").setData(buildings);
          map.getSource("pins").setData(comments);
        })
        .catch((error) => console.warn("3D view:", error));
    });
    if (config.bounds) fitArea(map, config.bounds);
    map.once("idle", () => {
      container.dataset.state = "ready";
      container.dataset.buildings = String(scene.features.length);
      say(labels.ready);
    });
  });

  // One handler for both layers: a pin in front of a building opens the pin's popup, not both.
  const clickable = ["pins", "buildings"];
  map.on("click", (event) => {
    const [feature] = map.queryRenderedFeatures(event.point, { layers: clickable });
    if (!feature) return;
    const content = feature.layer.id === "pins" ? pinPopup : buildingPopup;
    new maplibregl.Popup({ maxWidth: "20rem" })
      .setLngLat(event.lngLat)
      .setDOMContent(content(feature.properties, labels))
      .addTo(map);
  });
  for (const layer of clickable) {
    map.on("mouseenter", layer, () => {
      map.getCanvas().style.cursor = "pointer";
    });
    map.on("mouseleave", layer, () => {
      map.getCanvas().style.cursor = "";
    });
  }
}

start();
