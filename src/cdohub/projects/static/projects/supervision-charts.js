// IT project supervision: reviews by city (stacked by outcome), veto reasons, findings by city.
(function () {
  const data = document.getElementById("supervision-chart-data");
  if (!data || !window.echarts) return;
  const chart = JSON.parse(data.textContent);
  const colours = {
    under_review: "#0d6efd", approved: "#198754", returned: "#fd7e14", vetoed: "#dc3545",
    open: "#ffc107", overdue: "#dc3545",
  };
  const bars = (el, series, stack) => {
    if (!el) return;
    echarts.init(el).setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: {},
      grid: { left: 40, right: 20, bottom: 70 },
      xAxis: { type: "category", data: chart.cities, axisLabel: { rotate: 40 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map((s) => ({
        name: s.name, type: "bar", stack: stack, data: s.data, itemStyle: { color: colours[s.key] },
      })),
    });
  };
  bars(document.getElementById("projects-chart"), chart.series, "reviews");
  bars(document.getElementById("findings-chart"), chart.findings, null);
  const veto = document.getElementById("veto-chart");
  if (veto) {
    echarts.init(veto).setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: chart.reasons, label: { width: 90, overflow: "break" } }],
    });
  }
})();
