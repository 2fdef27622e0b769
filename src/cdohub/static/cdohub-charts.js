// Scope-compliance chart: nominations per pilot city against each rule's minimum.
(function () {
  const el = document.getElementById("compliance-chart");
  const data = document.getElementById("chart-data");
  if (!el || !data || !window.echarts) return;
  const chart = JSON.parse(data.textContent);
  const series = chart.series.map((s) => ({
    name: s.name, type: "bar", data: s.data,
    markLine: { symbol: "none", data: [{ yAxis: s.min, name: s.name }], label: { formatter: "≥ {c}" } },
  }));
  echarts.init(el).setOption({
    tooltip: { trigger: "axis" }, legend: {},
    grid: { left: 40, right: 20, bottom: 60 },
    xAxis: { type: "category", data: chart.cities, axisLabel: { rotate: 40 } },
    yAxis: { type: "value", minInterval: 1 },
    series,
  });
})();

// Filing status: per pilot city (and the provincial departments), filings stacked by state.
(function () {
  const el = document.getElementById("filing-chart");
  const data = document.getElementById("filing-chart-data");
  if (!el || !data || !window.echarts) return;
  const chart = JSON.parse(data.textContent);
  const colours = { filed: "#198754", pending: "#0d6efd", returned: "#fd7e14", missing: "#dc3545" };
  echarts.init(el).setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: {},
    grid: { left: 110, right: 20, bottom: 30 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: chart.groups, inverse: true },
    series: chart.series.map((s) => ({
      name: s.name, type: "bar", stack: "filings", data: s.data, itemStyle: { color: colours[s.key] },
    })),
  });
})();

// Census campaign: resources registered per unit, with completeness and reviewed share (%).
(function () {
  const el = document.getElementById("census-chart");
  const data = document.getElementById("census-chart-data");
  if (!el || !data || !window.echarts) return;
  const chart = JSON.parse(data.textContent);
  const names = JSON.parse(el.dataset.names || "{}");
  echarts.init(el).setOption({
    tooltip: { trigger: "axis" }, legend: {},
    grid: { left: 40, right: 40, bottom: 70 },
    xAxis: { type: "category", data: chart.units, axisLabel: { rotate: 30 } },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
    series: [
      { name: names.registered || "registered", type: "bar", data: chart.registered },
      { name: names.completeness || "completeness", type: "line", yAxisIndex: 1, data: chart.completeness },
      { name: names.reviewed || "reviewed", type: "line", yAxisIndex: 1, data: chart.reviewed },
    ],
  });
})();
