// Leaders' dashboard charts; the data comes from the page (json_script), filters submit on change.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("dash-filters");
  const city = document.getElementById("f-city");
  const district = document.getElementById("f-district");
  const syncDistricts = () => {
    if (!city || !district) return;
    for (const opt of district.options) {
      if (opt.value) opt.hidden = Boolean(city.value) && opt.dataset.parent !== city.value;
    }
  };
  syncDistricts();
  if (form) {
    if (city) city.addEventListener("change", () => { if (district) district.value = ""; form.submit(); });
    for (const el of form.querySelectorAll("#f-district, #f-year")) el.addEventListener("change", () => form.submit());
  }
  const node = document.getElementById("cockpit-data");
  if (!node || !window.echarts) return;
  const data = JSON.parse(node.textContent);
  const wall = document.body.classList.contains("wall");
  const text = wall ? "#e6edf3" : "#1f2328";
  const charts = [];
  const make = (id, option, empty = false) => {
    const el = document.getElementById(id);
    if (!el) return;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    if (empty) {
      chart.setOption({ title: { text: "暂无数据", left: "center", top: "middle", textStyle: { color: "#8c959f", fontSize: 14 } } });
    } else {
      chart.setOption({ textStyle: { color: text }, animation: false, ...option });
    }
    charts.push(chart);
  };
  const grid = { left: 8, right: 16, bottom: 8, top: 30, containLabel: true };
  const axis = { axisLabel: { color: text } };
  const short = (s, n) => (String(s).length > n ? String(s).slice(0, n) + "…" : String(s));
  const targets = data.targets.slice(0, 15);
  make("chart-targets", {
    tooltip: { trigger: "axis" }, legend: { top: 0, textStyle: { color: text } }, grid,
    xAxis: { type: "value", ...axis },
    yAxis: { type: "category", inverse: true, data: targets.map((t) => short(t.metric, 10)), ...axis },
    series: [
      { name: "目标", type: "bar", data: targets.map((t) => t.target), itemStyle: { color: "#8c959f" } },
      { name: "完成", type: "bar", data: targets.map((t) => ({ value: t.actual ?? 0, itemStyle: { color: t.source === "computed" ? "#1a7f37" : "#bf8700" } })) },
    ],
  }, targets.length === 0);
  const trended = data.targets.filter((t) => t.trend && t.trend.length).slice(0, 6);
  const years = [...new Set(trended.flatMap((t) => t.trend.map((p) => p.year)))].sort();
  make("chart-target-trend", {
    tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll", textStyle: { color: text } }, grid,
    xAxis: { type: "category", data: years, ...axis }, yAxis: { type: "value", ...axis },
    series: trended.map((t) => ({ name: short(t.metric, 8), type: "line", data: years.map((y) => (t.trend.find((p) => p.year === y) || {}).value ?? null) })),
  }, trended.length === 0);
  make("chart-tier", {
    tooltip: { trigger: "item" }, legend: { bottom: 0, type: "scroll", textStyle: { color: text } },
    series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], label: { color: text },
               data: data.by_tier.filter((r) => r.n > 0).map((r) => ({ name: r.name, value: r.n })) }],
  }, data.kpi.talents === 0);
  make("chart-industry", {
    tooltip: { trigger: "axis" }, grid, xAxis: { type: "value", ...axis },
    yAxis: { type: "category", inverse: true, data: data.by_industry.map((r) => short(r.name, 8)), ...axis },
    series: [{ type: "bar", name: "人数", data: data.by_industry.map((r) => r.n), itemStyle: { color: "#8250df" } }],
  }, data.by_industry.length === 0);
  make("chart-area", {
    tooltip: { trigger: "axis" }, grid, xAxis: { type: "category", data: data.by_area.map((r) => r.name), axisLabel: { color: text, rotate: 30 } },
    yAxis: { type: "value", ...axis },
    series: [{ type: "bar", name: "人数", data: data.by_area.map((r) => r.n), itemStyle: { color: "#1f6feb" } }],
  }, data.by_area.length === 0);
  const fy = data.flows.map((r) => r.year);
  make("chart-flows", {
    tooltip: { trigger: "axis" }, legend: { top: 0, textStyle: { color: text } }, grid,
    xAxis: { type: "category", data: fy, ...axis }, yAxis: { type: "value", ...axis },
    series: [
      { name: "引进", type: "bar", stack: "in", data: data.flows.map((r) => r.introduced), itemStyle: { color: "#1f6feb" } },
      { name: "迁入", type: "bar", stack: "in", data: data.flows.map((r) => r.move_in), itemStyle: { color: "#54aeff" } },
      { name: "迁出", type: "bar", stack: "out", data: data.flows.map((r) => -r.move_out), itemStyle: { color: "#cf222e" } },
      { name: "认定退出", type: "bar", stack: "out", data: data.flows.map((r) => -r.exits), itemStyle: { color: "#ff8182" } },
      { name: "新认定", type: "line", data: data.flows.map((r) => r.certified), itemStyle: { color: "#1a7f37" } },
    ],
  });
  if (data.funds.available) {
    make("chart-funds", {
      tooltip: { trigger: "axis" }, legend: { top: 0, textStyle: { color: text } }, grid,
      xAxis: { type: "category", data: data.funds.rows.map((r) => r.year), ...axis }, yAxis: { type: "value", ...axis },
      series: [
        { name: "预算", type: "bar", data: data.funds.rows.map((r) => r.budget), itemStyle: { color: "#8c959f" } },
        { name: "已兑付", type: "bar", data: data.funds.rows.map((r) => r.paid), itemStyle: { color: "#1a7f37" } },
      ],
    }, data.funds.rows.length === 0);
  }
  make("chart-tasks", {
    tooltip: { trigger: "item" }, legend: { bottom: 0, textStyle: { color: text } },
    series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], label: { color: text }, data: [
      { name: "红灯", value: data.tasks.red, itemStyle: { color: "#cf222e" } },
      { name: "黄灯", value: data.tasks.yellow, itemStyle: { color: "#bf8700" } },
      { name: "绿灯", value: data.tasks.green, itemStyle: { color: "#1a7f37" } },
      { name: "完成", value: data.tasks.done, itemStyle: { color: "#0969da" } },
    ].filter((d) => d.value > 0) }],
  }, Object.values(data.tasks).every((n) => n === 0));
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  document.body.dataset.chartsReady = String(charts.length);
});
