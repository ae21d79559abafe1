// The leadership dashboard's backlog chart. Data comes from the json_script element
// #backlog-data (no inline scripts: a CSP forbids them later).
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("backlog-data");
    var canvas = document.getElementById("backlog-chart");
    if (!source || !canvas || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Open at end of day", data: data.open, borderColor: "#0b5cad",
            backgroundColor: "rgba(11, 92, 173, 0.12)", fill: true, tension: 0.2 },
          { label: "Filed", data: data.filed, borderColor: "#9a6700", borderDash: [4, 3],
            pointRadius: 0 },
          { label: "Resolved or closed", data: data.closed, borderColor: "#1a7f37",
            borderDash: [2, 2], pointRadius: 0 }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
    canvas.dataset.rendered = "true";
    window.backlogChart = chart;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
