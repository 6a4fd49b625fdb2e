/* Catalogue maps. The list page shows one point per example location (its cluster's
 * commune, else the centroid of each of its régions), read from the public API with
 * the page's filters; the detail page shows the example's own locations. */
(function () {
  "use strict";
  if (!window.Mapster) return;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Région outlines under the points: without base tiles they are the map.
  function outlines(map) {
    return fetch("/api/v1/geo/regions.geojson")
      .then(function (r) { return r.json(); })
      .then(function (gj) {
        L.geoJSON(gj, { style: { color: "#35485c", weight: 1, fillColor: "#edf4fb", fillOpacity: 0.8 } })
          .addTo(map).bringToBack();
      })
      .catch(function () {});
  }

  function place(map, items) {
    var points = [], seen = {};
    items.forEach(function (item) {
      // Several examples in one région share its centroid: spread them on a small spiral.
      var key = item.lat.toFixed(3) + "," + item.lon.toFixed(3);
      var n = seen[key] = (seen[key] || 0) + 1;
      var angle = n * 2.4, radius = n > 1 ? 0.12 * Math.sqrt(n) : 0;
      var latlng = [item.lat + radius * Math.sin(angle), item.lon + radius * Math.cos(angle)];
      points.push(latlng);
      L.circleMarker(latlng, { radius: 7, color: "#08306b", weight: 1, fillColor: "#f28e2b", fillOpacity: 0.95 })
        .bindPopup(item.html).addTo(map);
    });
    if (points.length === 1) map.setView(points[0], 6);
    else if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 7 });
    return points.length;
  }

  var listEl = document.getElementById("examples-map");
  if (listEl) {
    var listMap = window.Mapster.createBaseMap(listEl);
    outlines(listMap).then(function () {
      return fetch(listEl.dataset.source, { headers: { Accept: "application/json" } });
    }).then(function (r) { return r.json(); }).then(function (data) {
      var items = [];
      data.items.forEach(function (ex) {
        ex.locations.forEach(function (loc) {
          items.push({ lat: loc.lat, lon: loc.lon, html: '<a href="' + esc(ex.url) + '">' + esc(ex.title) + "</a><br>" + esc(loc.label) });
        });
      });
      listEl.dataset.markers = String(place(listMap, items));
      listEl.dataset.ready = "1";
    }).catch(function () { listEl.dataset.ready = "error"; });
  }

  var oneEl = document.getElementById("example-map");
  var data = document.getElementById("example-locations");
  if (oneEl && data) {
    var oneMap = window.Mapster.createBaseMap(oneEl);
    var locations = JSON.parse(data.textContent);
    outlines(oneMap).then(function () {
      oneEl.dataset.markers = String(place(oneMap, locations.map(function (l) {
        return { lat: l.lat, lon: l.lon, html: esc(l.label) };
      })));
      oneEl.dataset.ready = "1";
    });
  }
})();
