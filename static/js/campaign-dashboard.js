/* Campaign dashboard: two bar charts of response rates, refreshed each time HTMX
 * swaps in the polled figures (which carry the chart data as JSON). */
(function () {
  "use strict";
  var charts = {};
  function draw(id, data) {
    var el = document.getElementById(id);
    if (!el || !window.Chart) return;
    if (charts[id]) {
      charts[id].data.labels = data.labels;
      charts[id].data.datasets[0].data = data.rates;
      charts[id].update();
      return;
    }
    charts[id] = new Chart(el, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: "%", data: data.rates, backgroundColor: "#3182bd" }] },
      options: {
        indexAxis: "y", animation: false, responsive: true,
        scales: {
          x: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } },
          // Filière names are long: cut the axis label, the tooltip keeps the full name.
          y: { ticks: { callback: function (v) { var t = this.getLabelForValue(v); return t.length > 28 ? t.slice(0, 27) + "…" : t; } } }
        },
        plugins: { legend: { display: false } }
      }
    });
  }
  function refresh() {
    var script = document.getElementById("chart-data");
    if (!script) return;
    var data = JSON.parse(script.textContent);
    draw("chart-regions", data.regions);
    draw("chart-filieres", data.filieres);
    document.body.dataset.chartsReady = "1";
  }
  document.addEventListener("htmx:afterSwap", refresh);
  refresh();
})();
