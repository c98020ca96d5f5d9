// The city's digital twin as the base map.
//
// The server cuts the twin into small JSON tiles (/api/v1/twin-tiles/{z}/{x}/{y}.json, see
// participation/twin_tiles): per object its class, its outline in tile units (0..extent across the
// tile's 256 CSS pixels, y down) and maybe a name with where to put it. This layer draws them on a
// canvas per tile, in the order they come (land at the bottom, buildings on top), and keeps them, so
// that a click can ask which object lies under it (featureAt) without another request.
//
// Plain fetch: the tile address carries the twin's revision, so the browser's cache (and the ETag)
// answer repeated views; nothing is asked of any other host.
(function () {
  "use strict";
  if (!window.L) return;

  // Calm colours: the twin is the ground the comments and areas are drawn on, not the news.
  const BACKGROUND = "#f4f1ea";
  const STYLES = {
    land: { fill: "#ebe7dd" },
    green: { fill: "#d3e6c3", line: "#a9cc8f", text: "#3b6130" },
    water: { fill: "#b8d6eb", stroke: "#9cc2de", line: "#8dbadb", text: "#2b5d80", italic: true },
    square: { fill: "#faf8f4", casing: "#ddd7cb" },
    road: { fill: "#ffffff", casing: "#c4beb3" },
    bridge: { fill: "#ffffff", casing: "#9d968a" },
    building: { fill: "#d9cfc4", stroke: "#a29383" },
    other: { fill: "#e3ded5", stroke: "#b8b0a4" },
  };
  const TEXT = "#3d3d3d";
  const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  const [POINTS, LINES, POLYGONS] = [1, 2, 3]; // a feature's type, its "t"

  L.TwinBaseMap = L.GridLayer.extend({
    options: {
      minZoom: 13, // below, a tile would hold too much to be worth drawing: the layer shows nothing
      maxZoom: 20,
      // The deepest zoom the server has tiles for. Deeper, a tile is drawn from its ancestor's data,
      // enlarged but sharp (Leaflet's own maxNativeZoom would stretch the canvas and blur it).
      dataMaxZoom: 18,
      background: true, // the bare ground within the bounds; false over other tiles, which show through
      hitTolerance: 5, // CSS pixels around a line or point that still count as a hit
    },

    initialize: function (url, options) {
      this._url = url;
      L.GridLayer.prototype.initialize.call(this, options);
      this._requests = new Map(); // tile key -> AbortController of its request
      this._drawn = new Map(); // tile key -> its data and how its units map to the tile's pixels
      this.on("tileunload", (event) => this._forget(this._tileCoordsToKey(event.coords)));
    },

    onAdd: function (map) {
      this._counted = map.getContainer();
      L.GridLayer.prototype.onAdd.call(this, map);
    },

    createTile: function (coords, done) {
      const canvas = L.DomUtil.create("canvas", "twin-basemap-tile");
      const size = this.getTileSize();
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(size.x * ratio);
      canvas.height = Math.round(size.y * ratio);

      const scale = 2 ** Math.max(0, coords.z - this.options.dataMaxZoom);
      const source = { z: coords.z - Math.log2(scale), x: Math.floor(coords.x / scale), y: Math.floor(coords.y / scale) };
      const key = this._tileCoordsToKey(coords);
      const request = new AbortController();
      this._requests.set(key, request);
      fetch(L.Util.template(this._url, source), { signal: request.signal, headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : { extent: 512, features: [] }))
        .then((data) => {
          if (this._requests.get(key) !== request) return; // the tile was removed meanwhile
          this._requests.delete(key);
          const unit = (size.x * scale) / (data.extent || 512); // CSS pixels per tile unit
          const tile = {
            features: (data.features || []).map(absolute),
            source: source,
            scale: scale,
            unit: unit,
            // Where this tile lies in the world and in its source tile, in CSS pixels.
            x: coords.x * size.x,
            y: coords.y * size.y,
            left: (coords.x - source.x * scale) * size.x,
            top: (coords.y - source.y * scale) * size.y,
          };
          drawTile(canvas, tile, ratio, coords.z, this._ground(coords));
          this._drawn.set(key, tile);
          this._count();
          done(null, canvas);
        })
        .catch((error) => {
          if (error.name !== "AbortError") done(error, canvas);
        });
      return canvas;
    },

    // The bare ground under the twin, as [x, y, width, height] in the tile's pixels: its extent only,
    // so that the city model's edge shows where its data ends.
    _ground: function (coords) {
      if (!this.options.background) return null;
      const size = this.getTileSize();
      if (!this.options.bounds) return [0, 0, size.x, size.y];
      const bounds = L.latLngBounds(this.options.bounds);
      const origin = coords.scaleBy(size);
      const topLeft = this._map.project(bounds.getNorthWest(), coords.z).subtract(origin);
      const bottomRight = this._map.project(bounds.getSouthEast(), coords.z).subtract(origin);
      return [topLeft.x, topLeft.y, bottomRight.x - topLeft.x, bottomRight.y - topLeft.y];
    },

    _forget: function (key) {
      const request = this._requests.get(key);
      if (request) request.abort();
      this._requests.delete(key);
      if (this._drawn.delete(key)) this._count();
    },

    // What is drawn, on the map's element: for tests and for anyone curious.
    _count: function () {
      let features = 0;
      this._drawn.forEach((tile) => (features += tile.features.length));
      this._counted.dataset.basemapTiles = String(this._drawn.size);
      this._counted.dataset.basemapFeatures = String(features);
    },

    // The topmost object drawn under a point: {id, class, name, latlngs}, or null. Areas count where they
    // are filled (even-odd, as drawn), lines and points within a few pixels.
    featureAt: function (latlng) {
      if (!this._map || this._tileZoom === undefined) return null;
      const size = this.getTileSize();
      const pixel = this._map.project(latlng, this._tileZoom);
      const coords = L.point(Math.floor(pixel.x / size.x), Math.floor(pixel.y / size.y));
      coords.z = this._tileZoom;
      const tile = this._drawn.get(this._tileCoordsToKey(coords));
      if (!tile) return null;
      // The point and the tolerance in the tile's units.
      const x = (pixel.x - coords.x * size.x + tile.left) / tile.unit;
      const y = (pixel.y - coords.y * size.y + tile.top) / tile.unit;
      const tolerance = this.options.hitTolerance / tile.unit;
      for (let i = tile.features.length - 1; i >= 0; i -= 1) {
        const feature = tile.features[i];
        if (hits(feature, x, y, tolerance)) {
          return { id: feature.id, class: feature.c, name: feature.n || "", latlngs: this._latLngs(feature, tile) };
        }
      }
      return null;
    },

    // A feature's parts as LatLngs (as far as the tile holds them: it is clipped near the tile's edge).
    _latLngs: function (feature, tile) {
      const size = this.getTileSize();
      const pixels = tile.unit / tile.scale; // CSS pixels per unit at the source tile's zoom
      const origin = L.point(tile.source.x * size.x, tile.source.y * size.y);
      return feature.g.map((part) => {
        const points = [];
        for (let i = 0; i < part.length; i += 2) {
          points.push(this._map.unproject(origin.add([part[i] * pixels, part[i + 1] * pixels]), tile.source.z));
        }
        return points;
      });
    },
  });

  // Lines and rings come as their first point, then each next one as its difference to the one before
  // (small numbers, less to send): summed up here once, so drawing and hit tests read plain coordinates.
  function absolute(feature) {
    if (feature.t === POINTS) return feature;
    const parts = feature.g.map((part) => {
      const sums = part.slice();
      for (let i = 2; i < sums.length; i += 1) sums[i] += sums[i - 2];
      return sums;
    });
    return Object.assign({}, feature, { g: parts });
  }

  L.twinBaseMap = function (url, options) {
    return new L.TwinBaseMap(url, options);
  };

  // --- drawing ---------------------------------------------------------------------------------------

  function drawTile(canvas, tile, ratio, zoom, ground) {
    const context = canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    if (ground) {
      context.fillStyle = BACKGROUND;
      context.fillRect(...ground);
    }
    // Shapes are traced in tile units and painted in CSS pixels: a path keeps the transform it was
    // traced with, so strokes stay as wide as asked, however much the tile is enlarged.
    const trace = (features) => {
      context.setTransform(ratio * tile.unit, 0, 0, ratio * tile.unit, -tile.left * ratio, -tile.top * ratio);
      context.beginPath();
      features.forEach((feature) => tracePath(context, feature));
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
    };
    const lineWidth = Math.max(2, Math.min(14, 2 ** (zoom - 14) * 1.5)); // a road line's width in pixels
    context.lineJoin = "round";
    context.lineCap = "round";

    // The features come grouped by class, bottom to top; each class is painted at once.
    groups(tile.features).forEach(([name, features]) => {
      const style = STYLES[name] || STYLES.other;
      const areas = features.filter((f) => f.t === POLYGONS);
      const lines = features.filter((f) => f.t === LINES);
      const points = features.filter((f) => f.t === POINTS && f.g.length);
      if (areas.length) {
        if (style.casing) {
          // A casing: all outlines first, then all fills over them, so that the seams between the pieces
          // of one road or square vanish and only the outer edge shows.
          trace(areas);
          context.strokeStyle = style.casing;
          context.lineWidth = 2;
          context.stroke();
        }
        trace(areas);
        context.fillStyle = style.fill;
        context.fill("evenodd");
        if (style.stroke) {
          context.strokeStyle = style.stroke;
          context.lineWidth = 1;
          context.stroke();
        }
      }
      if (lines.length) {
        trace(lines);
        if (style.casing) {
          context.strokeStyle = style.casing;
          context.lineWidth = lineWidth + 2;
          context.stroke();
          context.strokeStyle = style.fill;
          context.lineWidth = lineWidth;
        } else {
          context.strokeStyle = style.line || style.stroke || style.fill;
          context.lineWidth = 1.5;
        }
        context.stroke();
      }
      if (points.length) {
        context.setTransform(ratio, 0, 0, ratio, 0, 0);
        context.beginPath();
        points.forEach((feature) =>
          feature.g.forEach((point) => {
            const [x, y] = [point[0] * tile.unit - tile.left, point[1] * tile.unit - tile.top];
            context.moveTo(x + 2.5, y);
            context.arc(x, y, 2.5, 0, 2 * Math.PI);
          })
        );
        context.fillStyle = style.stroke || style.casing || style.line || TEXT;
        context.fill();
      }
    });
    drawLabels(context, tile);
  }

  function groups(features) {
    const result = [];
    features.forEach((feature) => {
      const last = result[result.length - 1];
      if (last && last[0] === feature.c) last[1].push(feature);
      else result.push([feature.c, [feature]]);
    });
    return result;
  }

  function tracePath(context, feature) {
    if (feature.t === POINTS) return;
    feature.g.forEach((part) => {
      context.moveTo(part[0], part[1]);
      for (let i = 2; i < part.length; i += 2) context.lineTo(part[i], part[i + 1]);
      if (feature.t === POLYGONS) context.closePath(); // rings come without their closing point
    });
  }

  // Names with a white halo, along their line (kept upright by the server) or level in their area.
  //
  // A label may cross the tile's edge; the neighbour then draws its other half, and both tiles must
  // agree on drawing it, each knowing only its own data. Every tile holds the labels anchored up to
  // LABEL_CELL pixels beyond its edge (the server's margin), so a choice made per cell of that size
  // (aligned to the tile grid) comes out the same in every tile that sees the cell: one label per cell,
  // the first by class and id. A label crossing the edge is then drawn; one inside the tile, which no
  // other tile shows, also gives way to labels drawn before it, to its own name close by, and is left
  // out where it is wider than its object.
  const LABEL_CELL = 128;
  const LABEL_ORDER = ["square", "water", "green", "bridge", "road"];

  function drawLabels(context, tile) {
    const size = 256;
    const rank = (label) => {
      const position = LABEL_ORDER.indexOf(label.feature.c);
      return position < 0 ? LABEL_ORDER.length : position;
    };
    const byCell = new Map();
    tile.features
      .filter((feature) => feature.n && feature.a)
      .map((feature) => {
        const style = STYLES[feature.c] || STYLES.other;
        context.font = (style.italic ? "italic " : "") + FONT;
        const width = context.measureText(feature.n).width;
        const [x, y, angle] = [feature.a[0] * tile.unit - tile.left, feature.a[1] * tile.unit - tile.top, feature.a[2] || 0];
        const cell = Math.floor((tile.x + x) / LABEL_CELL) + ":" + Math.floor((tile.y + y) / LABEL_CELL);
        return { feature, style, width, x, y, angle, cell, box: rotatedBox(x, y, width + 4, 16, angle) };
      })
      .sort((a, b) => rank(a) - rank(b) || a.feature.id - b.feature.id)
      .forEach((label) => byCell.has(label.cell) || byCell.set(label.cell, label));

    const shown = [...byCell.values()].filter(({ box }) => box.right > 0 && box.bottom > 0 && box.left < size && box.top < size);
    shown.forEach((label) => (label.inside = label.box.left >= 0 && label.box.top >= 0 && label.box.right <= size && label.box.bottom <= size));
    shown.sort((a, b) => Number(a.inside) - Number(b.inside)); // those crossing the edge first
    const placed = [];
    shown.forEach((label) => {
      const crowded = () =>
        placed.some((other) => overlaps(other.box, label.box) || (other.feature.n === label.feature.n && Math.hypot(other.x - label.x, other.y - label.y) < 2 * LABEL_CELL));
      if (label.inside && (crowded() || !fits(label, tile))) return;
      placed.push(label);
      context.save();
      context.translate(label.x, label.y);
      context.rotate(label.angle);
      context.font = (label.style.italic ? "italic " : "") + FONT;
      context.textAlign = "center";
      context.textBaseline = "middle";
      context.strokeStyle = "rgba(255, 255, 255, 0.9)";
      context.lineWidth = 3;
      context.strokeText(label.feature.n, 0, 0);
      context.fillStyle = label.style.text || TEXT;
      context.fillText(label.feature.n, 0, 0);
      context.restore();
    });
  }

  // Whether a name fits its object: along a line no longer than the line, in an area no wider than it.
  function fits(label, tile) {
    const feature = label.feature;
    if (feature.t === LINES) {
      let length = 0;
      feature.g.forEach((part) => {
        for (let i = 2; i < part.length; i += 2) length += Math.hypot(part[i] - part[i - 2], part[i + 1] - part[i - 1]);
      });
      return label.width <= length * tile.unit;
    }
    if (feature.t === POLYGONS) {
      let [min, max] = [Infinity, -Infinity];
      feature.g.forEach((part) => {
        for (let i = 0; i < part.length; i += 2) [min, max] = [Math.min(min, part[i]), Math.max(max, part[i])];
      });
      return label.width <= (max - min) * tile.unit;
    }
    return true;
  }

  function rotatedBox(x, y, width, height, angle) {
    const [cos, sin] = [Math.abs(Math.cos(angle)), Math.abs(Math.sin(angle))];
    const [halfWidth, halfHeight] = [(width * cos + height * sin) / 2, (width * sin + height * cos) / 2];
    return { left: x - halfWidth, right: x + halfWidth, top: y - halfHeight, bottom: y + halfHeight };
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  // --- hit testing, in tile units ------------------------------------------------------------------

  function hits(feature, x, y, tolerance) {
    if (feature.t === POLYGONS) return insideRings(feature.g, x, y);
    if (feature.t === LINES) return feature.g.some((part) => nearLine(part, x, y, tolerance));
    return feature.g.some((point) => Math.hypot(point[0] - x, point[1] - y) <= tolerance);
  }

  // Even-odd over all rings, outer rings and holes alike, as the fill draws them.
  function insideRings(rings, x, y) {
    let inside = false;
    rings.forEach((ring) => {
      const n = ring.length / 2;
      for (let i = 0, j = n - 1; i < n; j = i, i += 1) {
        const [xi, yi, xj, yj] = [ring[2 * i], ring[2 * i + 1], ring[2 * j], ring[2 * j + 1]];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    });
    return inside;
  }

  function nearLine(part, x, y, tolerance) {
    for (let i = 2; i < part.length; i += 2) {
      const [ax, ay, bx, by] = [part[i - 2], part[i - 1], part[i], part[i + 1]];
      const length = (bx - ax) ** 2 + (by - ay) ** 2;
      const t = length ? Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length)) : 0;
      if (Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) <= tolerance) return true;
    }
    return false;
  }

  // --- the map's ground ---------------------------------------------------------------------------

  function escapeHTML(text) {
    const node = document.createElement("span");
    node.textContent = text || "";
    return node.innerHTML;
  }

  // Lay the ground of a map: the twin alone, or the external tiles (MAP_TILE_URL) with the twin over
  // them and a switch to show or hide it. Returns the twin layer (null without a twin).
  //   options: basemap (the server's map_config.basemap, or null), tileUrl, attribution, tilesName.
  L.twinBaseMap.ground = function (map, options) {
    const basemap = options.basemap;
    const tiles = options.tileUrl
      ? L.tileLayer(options.tileUrl, { attribution: options.attribution, maxNativeZoom: 19, maxZoom: basemap ? 20 : 19 })
      : null;
    if (tiles) tiles.addTo(map);
    if (!basemap) return null;
    const twin = L.twinBaseMap(basemap.url, {
      minZoom: basemap.minZoom,
      dataMaxZoom: basemap.maxNativeZoom,
      bounds: L.latLngBounds(basemap.bounds),
      attribution: escapeHTML(basemap.attribution), // the sources' credits are text, not HTML
      background: !tiles,
      zIndex: 2, // over the tiles
    }).addTo(map);
    const node = map.getContainer();
    twin.on("loading", () => (node.dataset.basemap = "loading"));
    twin.on("load", () => (node.dataset.basemap = "loaded"));
    twin.on("remove", () => (node.dataset.basemap = "off"));
    if (tiles) {
      const base = {};
      base[options.tilesName || "Map"] = tiles;
      const over = {};
      over[basemap.name] = twin;
      L.control.layers(base, over, { collapsed: false }).addTo(map);
    }
    return twin;
  };
})();
