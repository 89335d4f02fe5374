// Supervision dashboard charts; the data comes from the page (json_script), no extra request.
document.addEventListener("DOMContentLoaded", () => {
  const node = document.getElementById("dashboard-data");
  if (!node || !window.echarts) return;
  const data = JSON.parse(node.textContent);
  const colors = { green: "#1a7f37", yellow: "#bf8700", red: "#cf222e", done: "#0969da" };
  const names = { green: "绿", yellow: "黄", red: "红", done: "完成" };
  const stacked = (el, rows, key) => {
    const chart = echarts.init(document.getElementById(el));
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 30, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map((r) => String(r[key]).slice(0, 18)), inverse: true },
      series: ["red", "yellow", "green", "done"].map((s) => ({
        name: names[s], type: "bar", stack: "all", itemStyle: { color: colors[s] }, data: rows.map((r) => r[s]),
      })),
    });
    window.addEventListener("resize", () => chart.resize());
  };
  stacked("chart-policy", data.by_policy, "policy");
  stacked("chart-unit", data.by_unit, "unit");
  const trend = echarts.init(document.getElementById("chart-trend"));
  trend.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 16, bottom: 8, top: 20, containLabel: true },
    xAxis: { type: "category", data: data.overdue_trend.map((r) => r.month) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: "转红", type: "line", smooth: true, itemStyle: { color: colors.red }, data: data.overdue_trend.map((r) => r.red) }],
  });
  window.addEventListener("resize", () => trend.resize());
  document.body.dataset.chartsReady = "1";
});
