// Sluice report: draws the charts from the data embedded in the page (script#sluice-data) with uPlot, and makes the
// tables sortable. Everything it needs is in the page: it opens offline.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("sluice-data").textContent);
  var colors = ["#2f9e44", "#e03131", "#f08c00", "#7048e8", "#1c7ed6", "#d6336c", "#0c8599", "#5c940d", "#868e96", "#e8590c", "#364fc7"];

  function width(el) {
    return Math.max(320, Math.min(1140, el.clientWidth || 1140));
  }

  function timeChart(id, series, ys, opts) {
    var el = document.getElementById(id);
    if (!el || data.t.length === 0) {
      return;
    }
    var cfg = {
      width: width(el), height: 240,
      series: [{}].concat(series),
      // whole seconds at least: a run of a few seconds would otherwise get ticks every 200 ms
      axes: [{ space: 70, incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400] },
             { label: opts && opts.yLabel || "", size: 60 }],
      scales: { x: { time: true } },
      legend: { live: true },
      hooks: opts && opts.hooks || {}
    };
    new uPlot(cfg, [data.t].concat(ys), el);
  }

  function line(label, color, fill) {
    return { label: label, stroke: color, width: 1.5, fill: fill ? color + "22" : undefined, points: { show: false } };
  }

  function bars(label, color) {
    return { label: label, stroke: color, fill: color + "cc", width: 0, paths: uPlot.paths.bars({ size: [0.9, 40], gap: 0 }), points: { show: false } };
  }

  var perSecond = function (arr) { return arr.map(function (v) { return v / data.bucketSeconds; }); };

  // Host events as vertical marks on a time chart: held back (orange), down (red), back (green).
  var eventColors = { held_back: "#f08c00", breaker_open: "#e03131", breaker_closed: "#2f9e44" };
  var eventMarks = {
    draw: [function (u) {
      var ctx = u.ctx;
      ctx.save();
      data.events.forEach(function (e) {
        var x = u.valToPos(e.t, "x", true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) {
          return;
        }
        ctx.strokeStyle = eventColors[e.kind] || "#868e96";
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
      });
      ctx.restore();
    }]
  };

  timeChart("chart-throughput",
    [line("stored ok /s", colors[0], true), line("stored failed /s", colors[1], true), line("requests /s", colors[4], false),
     line("retries /s", colors[2], false)],
    [perSecond(data.ok), perSecond(data.failed), perSecond(data.requests), perSecond(data.retries)],
    { yLabel: "per second", hooks: eventMarks });

  timeChart("chart-inflight",
    [line("in flight (most seen)", colors[4], true), line("429/503 answers /s", colors[2], false)]
      .concat(data.limit.some(function (v) { return v !== null; }) ? [line("usable concurrency (auto)", colors[3], false)] : []),
    [data.inFlight, perSecond(data.pushbacks)].concat(data.limit.some(function (v) { return v !== null; }) ? [data.limit] : []),
    { yLabel: "requests" });

  // Outcomes over time, stacked: each series is the sum of itself and those after it, drawn largest first.
  var names = Object.keys(data.outcomes);
  var stacked = [];
  var running = data.t.map(function () { return 0; });
  for (var i = names.length - 1; i >= 0; i--) {
    running = running.map(function (v, j) { return v + data.outcomes[names[i]][j]; });
    stacked.unshift(running.slice());
  }
  timeChart("chart-outcomes",
    names.map(function (n, k) { return bars(n, n === "ok" ? colors[0] : colors[(k % (colors.length - 1)) + 1]); }),
    stacked, { yLabel: "results per bucket" });

  // The latency histogram: buckets by upper bound.
  (function () {
    var el = document.getElementById("chart-latency");
    if (!el || data.latency.counts.length === 0) {
      return;
    }
    var labels = data.latency.bounds.map(function (b) { return "\u2264" + b + " ms"; }).concat(["> " + data.latency.bounds[data.latency.bounds.length - 1] + " ms"]);
    var xs = labels.map(function (_, k) { return k; });
    new uPlot({
      width: width(el), height: 220,
      series: [{ value: function (u, v) { return v === null ? "" : labels[v]; } }, bars("results", colors[4])],
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] } },
      axes: [{ values: function (u, ticks) { return ticks.map(function (t) { return Number.isInteger(t) ? labels[t] : ""; }); }, incrs: [1] },
             { label: "results", size: 60 }],
      legend: { live: true }
    }, [xs, data.latency.counts], el);
  })();

  // Sortable tables: a click on a header sorts by its column (numbers by data-v, text otherwise).
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.querySelectorAll("th[data-sort]");
    Array.prototype.forEach.call(heads, function (th) {
      th.addEventListener("click", function () {
        var col = Array.prototype.indexOf.call(th.parentNode.children, th);
        var desc = !th.classList.contains("sorted-desc");
        Array.prototype.forEach.call(heads, function (h) { h.classList.remove("sorted-desc", "sorted-asc"); });
        th.classList.add(desc ? "sorted-desc" : "sorted-asc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.getAttribute("data-sort") === "n";
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var cmp = numeric ? Number(x.getAttribute("data-v")) - Number(y.getAttribute("data-v"))
                            : x.textContent.localeCompare(y.textContent);
          return desc ? -cmp : cmp;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
