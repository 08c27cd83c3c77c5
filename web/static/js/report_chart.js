// The utilisation dashboard's chart: utilisation and OEE per row, in percent, as horizontal bars
// (long names stay readable on a phone), from the JSON block the page carries (#report-data). The
// same numbers are in the table beside it; without script the table is the report.
(function () {
  var box = document.getElementById("report-chart");
  var data = document.getElementById("report-data");
  if (!box || !data || typeof echarts === "undefined") { return; }
  var rows = JSON.parse(data.textContent);
  box.style.height = Math.max(200, 60 + rows.labels.length * 44) + "px";
  var chart = echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "–" : v + " %"; } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, bottom: 8, top: 32, containLabel: true },
    yAxis: { type: "category", data: rows.labels, inverse: true,
             axisLabel: { width: 110, overflow: "break" } },
    xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } },
    series: [
      { name: box.dataset.utilisation, type: "bar", data: rows.utilisation },
      { name: box.dataset.oee, type: "bar", data: rows.oee }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
