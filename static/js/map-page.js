(function () {
  "use strict";
  var el = document.getElementById("map");
  var form = document.getElementById("map-controls");
  var map = Mapster.createBaseMap(el);
  var layer = null, legend = null, fitted = false;
  var labels = {};
  form.querySelectorAll("select[name=metric] option").forEach(function (o) { labels[o.value] = o.textContent; });

  function draw() {
    var level = form.level.value, metric = form.metric.value;
    fetch("/api/v1/geo/" + level + ".geojson").then(function (r) { return r.json(); }).then(function (gj) {
      if (layer) map.removeLayer(layer);
      if (legend) map.removeControl(legend);
      layer = Mapster.choropleth(map, gj, metric, labels[metric], function (f) {
        if (f.properties.url) window.location = f.properties.url;
      }).addTo(map);
      legend = Mapster.legend(map, layer.steps, labels[metric]);
      if (!fitted && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); fitted = true; }
      el.dataset.ready = "1";
    });
  }
  form.addEventListener("change", draw);
  draw();
})();
