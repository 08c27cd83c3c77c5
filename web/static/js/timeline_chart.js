// The machine timelines: one row per machine, each item a bar on a time axis in the house's clock
// (an ECharts custom series, one series per kind so the legend can hide a kind), the now line,
// a tooltip per item, and a click on a booking opening its details beside the chart. Each
// `.tl-chart` box names its JSON block in `data-source` (see timeline_views.chart_json); the
// same items are in the tables below it, which are the page without script.
(function () {
  "use strict";
  var ROW_PX = 34, TOP_PX = 64, BOTTOM_PX = 36;

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  // Values on the axis are the house's clock written as UTC (the page adds the zone's offset).
  function axisLabel(data) {
    return function (value) {
      var d = new Date(value);
      if (d.getUTCHours() === 0 && d.getUTCMinutes() === 0) {
        return data.weekdays[(d.getUTCDay() + 6) % 7] + " " + d.getUTCDate() + "/" + (d.getUTCMonth() + 1);
      }
      return pad(d.getUTCHours()) + "." + pad(d.getUTCMinutes()) + " " + data.zone;
    };
  }

  // `style` is the series' own, built once: api.style() per item is a visual merge per bar, and a
  // week has a thousand bars.
  function renderItem(lane, style) {
    return function (params, api) {
      var row = api.value(0);
      var start = api.coord([api.value(1), row]);
      var end = api.coord([api.value(2), row]);
      var band = api.size([0, 1])[1];
      var top = lane === "run" ? start[1] + band * 0.18 : start[1] - band * 0.36;
      var height = lane === "run" ? band * 0.2 : band * 0.5;
      var shape = echarts.graphic.clipRectByRect(
        { x: start[0], y: top, width: Math.max(end[0] - start[0], 2), height: height },
        { x: params.coordSys.x, y: params.coordSys.y,
          width: params.coordSys.width, height: params.coordSys.height });
      return shape && { type: "rect", shape: shape, style: style };
    };
  }

  function seriesOf(data) {
    var byKind = data.series.map(function () { return []; });
    data.items.forEach(function (item) {
      byKind[item[3]].push([item[0], item[1] + data.offset, item[2] + data.offset, item[4], item[5]]);
    });
    var series = data.series.map(function (kind, n) {
      var opacity = kind.key === "maintenance" ? 0.55 : 0.9;
      return {
        type: "custom", name: kind.name,
        renderItem: renderItem(kind.lane, { fill: kind.color, opacity: opacity }),
        itemStyle: { color: kind.color, opacity: opacity },
        encode: { x: [1, 2], y: 0 }, data: byKind[n], clip: true
      };
    });
    if (data.now !== null) {
      series.push({
        type: "line", data: [], silent: true,
        markLine: { symbol: "none", silent: true, animation: false,
                    lineStyle: { color: "#dc3545", width: 2, type: "solid" },
                    label: { formatter: data.nowLabel, position: "start" },
                    data: [{ xAxis: data.now + data.offset }] }
      });
    }
    return series;
  }

  function options(data, narrow) {
    return {
      animation: false,
      useUTC: true,
      legend: { type: "scroll", top: 0, data: data.series.map(function (s) { return s.name; }) },
      tooltip: { trigger: "item", confine: true,
                 formatter: function (p) { return escapeHtml(p.value[3]); } },
      // Fixed margins that hold the labels: no measuring of the labels to fit the grid around them.
      grid: { outerBoundsMode: "none", left: narrow ? 84 : 150, right: 16, top: TOP_PX - 16,
              bottom: BOTTOM_PX },
      xAxis: { type: "time", min: data.from + data.offset, max: data.to + data.offset,
               name: data.zone, nameLocation: "start", nameGap: 8,
               axisLabel: { formatter: axisLabel(data), hideOverlap: true },
               splitLine: { show: true } },
      yAxis: { type: "category", data: data.rows, inverse: true,
               axisLabel: { width: narrow ? 76 : 140, overflow: "truncate" } },
      series: seriesOf(data)
    };
  }

  function openDetails(box, code) {
    var partial = box.dataset.detail, page = box.dataset.page;
    if (!code || !page) { return; }
    var target = document.getElementById("timeline-detail");
    if (typeof htmx !== "undefined" && partial && target) {
      htmx.ajax("GET", partial.replace("__code__", encodeURIComponent(code)), { target: target, swap: "innerHTML" })
        .then(function () { target.scrollIntoView({ block: "nearest" }); });
    } else {
      window.location.assign(page.replace("__code__", encodeURIComponent(code)));
    }
  }

  function draw(box) {
    var source = document.getElementById(box.dataset.source);
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    box.style.height = (TOP_PX + BOTTOM_PX + Math.max(data.rows.length, 1) * ROW_PX) + "px";
    // Canvas: a week's thousand bars as SVG elements cost more than the whole drawing on canvas.
    var chart = echarts.init(box, null, { renderer: "canvas" });
    chart.on("finished", function () {
      if (!box.dataset.finished) {
        box.dataset.finished = String(performance.now());
        box.dataset.rows = String(data.rows.length);
        box.dataset.items = String(data.items.length);
      }
    });
    chart.on("click", function (p) { if (p.value) { openDetails(box, p.value[4]); } });
    chart.setOption(options(data, box.clientWidth < 560));
    window.addEventListener("resize", function () {
      chart.setOption(options(data, box.clientWidth < 560), { replaceMerge: ["series"] });
      chart.resize();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".tl-chart"), draw);
}());
