// Charts of the current selection (GET /stats): outcomes by year and applicants by type.
const COLORS = ["#a4262c", "#d9822b", "#3b7dd8", "#6b8e23", "#8e6bbf", "#7b8794", "#2a9d8f"];

const charts = {};

function draw(id, config) {
  if (!window.Chart) return;
  charts[id]?.destroy();
  charts[id] = new window.Chart(document.getElementById(id), config);
}

export function drawCharts(stats, template) {
  draw("outcomes-chart", {
    type: "bar",
    data: {
      labels: stats.byYear.map((y) => String(y.year)),
      datasets: stats.outcomes.map((o, i) => ({
        label: o.label,
        data: stats.byYear.map((y) => y.outcomes[o.key] ?? 0),
        backgroundColor: COLORS[i % COLORS.length],
      })),
    },
    options: {
      responsive: true,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: "件" } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
  const applicantColumns = template.applications.columns.filter((c) => c.key !== "total");
  const received = stats.applications.newReceived ?? {};
  draw("applicants-chart", {
    type: "bar",
    data: {
      labels: applicantColumns.map((c) => c.label),
      datasets: [
        {
          label: "本年新收申请 new applications",
          data: applicantColumns.map((c) => received[c.key] ?? 0),
          backgroundColor: applicantColumns.map((_, i) => COLORS[i % COLORS.length]),
        },
      ],
    },
    options: {
      responsive: true,
      animation: false,
      indexAxis: "y",
      scales: { x: { beginAtZero: true } },
      plugins: { legend: { display: false } },
    },
  });
}
