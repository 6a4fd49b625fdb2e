/* Mapster base map: boundaries as GeoJSON with a choropleth, optional tiles.
 * Works offline: with no tile URL configured the boundaries alone are the map. */
(function () {
  "use strict";
  var PALETTE = ["#edf4fb", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"];
  // Numbers and the label separator follow the page language (French puts a space before ":").
  var LANG = document.documentElement.lang || "fr";
  var SEP = LANG === "fr" ? " : " : ": ";

  function breaks(values) {
    var max = Math.max.apply(null, values.concat([0]));
    if (max === 0) return [0];
    var out = [];
    for (var i = 1; i < PALETTE.length; i++) out.push(Math.round((max * i) / PALETTE.length));
    return out;
  }

  function colour(value, steps) {
    if (!value) return PALETTE[0];
    for (var i = 0; i < steps.length; i++) if (value <= steps[i]) return PALETTE[i + 1] || PALETTE[i];
    return PALETTE[PALETTE.length - 1];
  }

  function createBaseMap(el) {
    var map = L.map(el, { zoomSnap: 0.25, minZoom: 4, maxZoom: 18, preferCanvas: true });
    map.setView([46.6, 2.4], 5.5);
    var tileUrl = document.body.dataset.tileUrl;
    if (tileUrl) {
      L.tileLayer(tileUrl, { attribution: document.body.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
    } else {
      el.classList.add("map-no-tiles");
    }
    return map;
  }

  function choropleth(map, geojson, metric, label, onClick) {
    var values = geojson.features.map(function (f) { return f.properties[metric] || 0; });
    var steps = breaks(values);
    var layer = L.geoJSON(geojson, {
      style: function (f) {
        return { color: "#35485c", weight: 1, fillOpacity: 0.85, fillColor: colour(f.properties[metric], steps) };
      },
      onEachFeature: function (f, lyr) {
        var v = f.properties[metric] || 0;
        lyr.bindTooltip("<strong>" + f.properties.name + "</strong><br>" + label + SEP + v.toLocaleString(LANG), { sticky: true });
        if (onClick) lyr.on("click", function () { onClick(f); });
      }
    });
    layer.steps = steps;
    return layer;
  }

  function legend(map, steps, title) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend");
      var html = "<strong>" + title + "</strong>";
      var lower = 0;
      for (var i = 0; i < steps.length; i++) {
        html += '<div><i style="background:' + PALETTE[i + 1] + '"></i> ' + (lower + (i ? 1 : 0)).toLocaleString(LANG) + " – " + steps[i].toLocaleString(LANG) + "</div>";
        lower = steps[i];
      }
      div.innerHTML = html;
      return div;
    };
    control.addTo(map);
    return control;
  }

  window.Mapster = { createBaseMap: createBaseMap, choropleth: choropleth, legend: legend };

  // Simple declarative maps: <div id="map" data-geojson="…" data-metric="…">
  document.querySelectorAll("[data-geojson]").forEach(function (el) {
    var map = createBaseMap(el);
    fetch(el.dataset.geojson).then(function (r) { return r.json(); }).then(function (gj) {
      var metric = el.dataset.metric || "clusters";
      var title = el.dataset.metricLabel || metric;
      var layer = choropleth(map, gj, metric, title, function (f) {
        if (f.properties.url) window.location = f.properties.url;
      }).addTo(map);
      if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      legend(map, layer.steps, title);
      el.dataset.ready = "1";
    });
  });
})();
