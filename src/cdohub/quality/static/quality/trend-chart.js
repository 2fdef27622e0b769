// A quality score trend: the line of daily scores under #quality-trend (data in #quality-trend-data).
(function () {
  const el = document.getElementById("quality-trend");
  const data = document.getElementById("quality-trend-data");
  if (!el || !data || !window.echarts) return;
  const chart = JSON.parse(data.textContent);
  echarts.init(el).setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: chart.days },
    yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min - 5)); }, max: 100 },
    series: [{ name: chart.name, type: "line", data: chart.scores, smooth: true, areaStyle: { opacity: 0.1 } }],
  });
})();
