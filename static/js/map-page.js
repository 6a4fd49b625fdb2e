/* The map page: choropleth, clusters, member companies and Territoires d'industrie.
 * Filters are the directory's GET parameters, kept in the page URL. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var form = document.getElementById("map-controls");
  var filters = document.getElementById("map-filters");
  var status = document.getElementById("map-status");
  var dirLink = document.getElementById("directory-link");
  var labels = {
    open: el.dataset.labelOpen, loading: el.dataset.labelLoading,
    ti: el.dataset.labelTi, communes: el.dataset.labelCommunes, demo: el.dataset.labelDemo
  };
  var lang = document.documentElement.lang || "fr";
  var map = Mapster.createBaseMap(el);
  var choro = null, legend = null, fitted = false;
  var pts = null, ti = null;
  var metricLabels = {};
  form.querySelectorAll("select[name=metric] option").forEach(function (o) { metricLabels[o.value] = o.textContent; });

  function drawChoropleth() {
    var level = form.level.value, metric = form.metric.value;
    return fetch("/api/v1/geo/" + level + ".geojson").then(function (r) { return r.json(); }).then(function (gj) {
      if (choro) map.removeLayer(choro);
      if (legend) map.removeControl(legend);
      choro = Mapster.choropleth(map, gj, metric, metricLabels[metric], null);
      choro.eachLayer(function (lyr) {
        lyr.on("click", function (e) {
          // Only the shapes are clicked here: markers above stop the event themselves.
          if (lyr.feature.properties.url) window.location = lyr.feature.properties.url;
        });
      });
      legend = Mapster.legend(map, choro.steps, metricLabels[metric]);
      if (form.choropleth.checked) { choro.addTo(map); choro.bringToBack(); }
      if (!fitted && choro.getBounds().isValid()) { map.fitBounds(choro.getBounds(), { padding: [8, 8] }); fitted = true; }
      el.dataset.choropleth = String(gj.features.length);
    });
  }

  function drawPoints() {
    status.textContent = labels.loading || "";
    if (pts) { map.removeLayer(pts.members); map.removeLayer(pts.clusters); }
    return Mapster.points(map, el.dataset.points + window.location.search, labels).then(function (res) {
      pts = res;
      syncLayers();
      status.textContent = res.clusterCount.toLocaleString(lang) + " " + el.dataset.labelClusters + " · " +
        res.memberCount.toLocaleString(lang) + " " + el.dataset.labelMembers;
      el.dataset.members = res.memberCount;
      el.dataset.clusters = res.clusterCount;
    });
  }

  function syncLayers() {
    if (pts) {
      if (form.members.checked) pts.members.addTo(map); else map.removeLayer(pts.members);
      if (form.clusters.checked) pts.clusters.addTo(map); else map.removeLayer(pts.clusters);
    }
    if (choro) { if (form.choropleth.checked) { choro.addTo(map); choro.bringToBack(); } else map.removeLayer(choro); }
    if (legend) legend.getContainer().hidden = !form.choropleth.checked;
    if (form.territoires.checked) {
      if (!ti) {
        Mapster.territoires(map, el.dataset.territoires, labels).then(function (layer) {
          ti = layer;
          if (form.territoires.checked) ti.addTo(map);
          el.dataset.territoires = String(layer.getLayers().length);
        });
      } else ti.addTo(map);
    } else if (ti) map.removeLayer(ti);
  }

  form.addEventListener("change", function (e) {
    if (e.target.name === "level" || e.target.name === "metric") drawChoropleth();
    else syncLayers();
  });

  // Filters: same parameters as the directory; the URL is the state.
  function applyFilters(e) {
    if (e) e.preventDefault();
    var params = new URLSearchParams(new FormData(filters));
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) params.delete(k); });
    var qs = params.toString();
    history.replaceState(null, "", "/carte/" + (qs ? "?" + qs : ""));
    dirLink.href = "/annuaire/" + (qs ? "?" + qs : "");
    drawPoints();
  }
  filters.addEventListener("submit", applyFilters);
  filters.addEventListener("change", function (e) { if (e.target.tagName === "SELECT") applyFilters(); });

  Promise.all([drawChoropleth(), drawPoints()]).then(function () { el.dataset.ready = "1"; });
})();
