/* Mapster base map: boundaries as GeoJSON with a choropleth, optional tiles.
 * Works offline: with no tile URL configured the boundaries alone are the map. */
(function () {
  "use strict";
  var PALETTE = ["#edf4fb", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"];
  // Numbers and the label separator follow the page language (French puts a space before ":").
  var LANG = document.documentElement.lang || "fr";
  var SEP = LANG === "fr" ? " : " : ": ";

  function breaks(values) {
    // Upper bound of each colour class; small maxima get one class per value so
    // that the legend never shows empty or repeated ranges ("2 – 1").
    var max = Math.max.apply(null, values.concat([0]));
    if (max === 0) return [0];
    var n = PALETTE.length - 1, out = [];
    if (max <= n) { for (var v = 1; v <= max; v++) out.push(v); return out; }
    for (var i = 1; i <= n; i++) {
      var b = Math.round((max * i) / n);
      if (!out.length || b > out[out.length - 1]) out.push(b);
    }
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
      html += '<div><i style="background:' + PALETTE[0] + '"></i> 0</div>';
      for (var i = 0; i < steps.length; i++) {
        if (!steps[i]) continue;
        var from = lower + 1, to = steps[i];
        html += '<div><i style="background:' + PALETTE[i + 1] + '"></i> ' + from.toLocaleString(LANG) +
          (to > from ? " – " + to.toLocaleString(LANG) : "") + "</div>";
        lower = steps[i];
      }
      div.innerHTML = html;
      return div;
    };
    control.addTo(map);
    return control;
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }

  var CLUSTER_STYLE = { radius: 7, color: "#ffffff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 };
  var MEMBER_STYLE = { radius: 4, color: "#0b4a52", weight: 1, fillColor: "#17a2b8", fillOpacity: 0.9 };

  function clusterPopup(row, labels) {
    // row: [lat, lon, id, slug, name, kind, demo]; built with DOM nodes so names stay text.
    var div = el("div", "", { "class": "map-popup" });
    var strong = el("strong");
    strong.appendChild(el("a", row[4], { href: "/annuaire/" + row[3] + "/" }));
    div.appendChild(strong);
    if (row[6]) { div.appendChild(document.createTextNode(" ")); div.appendChild(el("span", labels.demo || "démo", { "class": "badge badge-demo" })); }
    var p = el("p");
    p.appendChild(el("a", (labels.open || "Voir la fiche") + " ›", { href: "/annuaire/" + row[3] + "/" }));
    div.appendChild(p);
    return div;
  }

  /* Clusters and member companies from the compact endpoint (see directory/mapdata.py).
   * Members go into a markercluster group; each marker's card is fetched on click. */
  function points(map, url, labels) {
    labels = labels || {};
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (data) {
      var members = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50, disableClusteringAtZoom: 14 });
      var markers = new Array(data.members.length);
      for (var i = 0; i < data.members.length; i++) {
        var m = data.members[i];
        var mk = L.circleMarker([m[0], m[1]], MEMBER_STYLE);
        mk.companyId = m[2];
        markers[i] = mk;
      }
      // On the map first: markercluster only loads in chunks (keeping the page
      // responsive) into a group that is already on a map.
      members.addTo(map);
      members.addLayers(markers);
      members.on("click", function (e) {
        var mk = e.layer;
        mk.bindPopup(labels.loading || "…").openPopup();
        fetch("/carte/entreprise/" + mk.companyId + "/").then(function (r) { return r.text(); }).then(function (html) {
          mk.setPopupContent(html);
        });
      });
      // Clusters in their own pane: above the choropleth and single members (overlay
      // pane, 400), below the member group icons (marker pane, 600) whose counts stay readable.
      if (!map.getPane("mapsterClusters")) map.createPane("mapsterClusters").style.zIndex = 450;
      var clusters = L.featureGroup();
      data.clusters.forEach(function (row) {
        var mk = L.circleMarker([row[0], row[1]], L.extend({ pane: "mapsterClusters" }, CLUSTER_STYLE));
        mk.bindTooltip(row[4]);
        mk.bindPopup(clusterPopup(row, labels));
        mk.clusterSlug = row[3];
        clusters.addLayer(mk);
      });
      return { members: members, clusters: clusters, memberCount: data.members.length, clusterCount: data.clusters.length };
    });
  }

  function territoires(map, url, labels) {
    labels = labels || {};
    return fetch(url).then(function (r) { return r.json(); }).then(function (gj) {
      return L.geoJSON(gj, {
        style: function () { return { color: "#6a1b9a", weight: 2, dashArray: "4 3", fillColor: "#ce93d8", fillOpacity: 0.25 }; },
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 6, color: "#6a1b9a", fillColor: "#ce93d8", fillOpacity: 0.8, weight: 2 }); },
        onEachFeature: function (f, lyr) {
          var div = el("div", "", { "class": "map-popup" });
          div.appendChild(el("strong", f.properties.name));
          div.appendChild(el("br"));
          div.appendChild(document.createTextNode(f.properties.region + " · " + f.properties.communes + " " + (labels.communes || "communes")));
          var p = el("p");
          p.appendChild(el("a", labels.ti || "Clusters", { href: f.properties.url }));
          div.appendChild(p);
          lyr.bindPopup(div);
          lyr.bindTooltip(f.properties.name);
        }
      });
    });
  }

  // Light région outlines under small maps, which have no tiles to give them context.
  function backdrop(map) {
    if (document.body.dataset.tileUrl) return Promise.resolve(null);
    return fetch("/api/v1/geo/regions.geojson").then(function (r) { return r.json(); }).then(function (gj) {
      return L.geoJSON(gj, { interactive: false, style: { color: "#8a9bab", weight: 1, fillColor: "#f7f9fb", fillOpacity: 1 } }).addTo(map).bringToBack();
    });
  }

  window.Mapster = {
    createBaseMap: createBaseMap, choropleth: choropleth, legend: legend,
    points: points, territoires: territoires, backdrop: backdrop
  };

  // A cluster's members: <div data-points="/carte/points.json?cluster=slug"> (not the map page's #map).
  document.querySelectorAll("[data-points]:not(#map)").forEach(function (node) {
    var map = createBaseMap(node);
    backdrop(map);
    // Popup words come translated from the template's data-label-* attributes.
    var labels = { open: node.dataset.labelOpen, loading: node.dataset.labelLoading, demo: node.dataset.labelDemo };
    points(map, node.dataset.points, labels).then(function (res) {
      res.members.addTo(map);
      res.clusters.addTo(map);
      var bounds = res.members.getBounds();
      if (res.clusters.getLayers().length) bounds.extend(res.clusters.getBounds());
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 9 });
      node.dataset.members = res.memberCount;
      node.dataset.ready = "1";
    });
  });

  // One position: <div data-point="lat,lon" data-label="name">
  document.querySelectorAll("[data-point]").forEach(function (node) {
    var ll = node.dataset.point.split(",").map(Number);
    var map = createBaseMap(node);
    backdrop(map);
    L.circleMarker(ll, CLUSTER_STYLE).addTo(map).bindTooltip(node.dataset.label || "");
    map.setView(ll, 7);
    node.dataset.ready = "1";
  });

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
