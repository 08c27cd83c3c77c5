// The dashboard's charts, as horizontal bars (long names stay readable on a phone), each from the
// JSON block the page carries beside it: utilisation and OEE in percent (#report-data), revenue
// against energy cost in Rupiah (#money-data), and the pass rate per unit in percent
// (#production-data). The same numbers are in the table under each chart; without script the
// tables are the report.
(function () {
  if (typeof echarts === "undefined") { return; }

  function percent(v) { return v === null || v === undefined ? "–" : v + " %"; }

  function rupiah(v) {
    if (v === null || v === undefined) { return "–"; }
    var sign = v < 0 ? "-" : "";
    return sign + "Rp" + Math.abs(Math.round(v)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function draw(boxId, dataId, options) {
    var box = document.getElementById(boxId);
    var data = document.getElementById(dataId);
    if (!box || !data) { return; }
    var rows = JSON.parse(data.textContent);
    var series = options.series(rows, box);
    if (series.length === 0) { box.hidden = true; return; }
    box.style.height = Math.max(200, 60 + rows.labels.length * 22 * Math.max(2, series.length)) + "px";
    var chart = echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: options.format },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
      yAxis: { type: "category", data: rows.labels, inverse: true,
               axisLabel: { width: 110, overflow: "break" } },
      xAxis: options.axis,
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function bars(name, values) { return { name: name, type: "bar", data: values }; }

  draw("report-chart", "report-data", {
    format: percent,
    axis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } },
    series: function (rows, box) {
      return [bars(box.dataset.utilisation, rows.utilisation), bars(box.dataset.oee, rows.oee)];
    }
  });
  draw("money-chart", "money-data", {
    format: rupiah,
    axis: { type: "value", axisLabel: { formatter: rupiah, hideOverlap: true } },
    series: function (rows, box) {
      return [bars(box.dataset.revenue, rows.revenue), bars(box.dataset.energyCost, rows.energy_cost)];
    }
  });
  draw("production-chart", "production-data", {
    format: percent,
    axis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } },
    series: function (rows) {
      return rows.series.map(function (unit) { return bars(unit.name, unit.pass_rate); });
    }
  });
}());
