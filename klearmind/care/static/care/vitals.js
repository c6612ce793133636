// Flags vital signs while they are typed into the chart's grid. The thresholds come from the
// chart (data-thresholds); the server checks every saved reading again and decides.
const RULES = [
  ["systolic", "Systolic", "above", "alert_systolic_above"],
  ["systolic", "Systolic", "below", "alert_systolic_below"],
  ["diastolic", "Diastolic", "above", "alert_diastolic_above"],
  ["heart_rate", "Heart rate", "above", "alert_heart_rate_above"],
  ["heart_rate", "Heart rate", "below", "alert_heart_rate_below"],
  ["respiratory_rate", "Respiratory rate", "above", "alert_respiratory_rate_above"],
  ["respiratory_rate", "Respiratory rate", "below", "alert_respiratory_rate_below"],
  ["spo2", "SpO2", "below", "alert_spo2_below"],
];

function flags(row, limits) {
  const found = [];
  for (const [name, label, direction, key] of RULES) {
    const input = row.querySelector(`input[name$="-${name}"]`);
    if (!input || input.value.trim() === "") continue;
    const value = Number(input.value);
    if (Number.isNaN(value)) continue;
    if (limits[key] === undefined) continue;
    const broken = direction === "above" ? value > limits[key] : value < limits[key];
    if (broken) found.push(`${label} ${value} is ${direction} ${limits[key]}`);
  }
  return found;
}

function watch(grid) {
  const limits = JSON.parse(grid.dataset.thresholds);
  for (const row of grid.querySelectorAll("[data-vitals-row]")) {
    const live = row.querySelector(".care-admin__live");
    row.addEventListener("input", () => {
      const found = flags(row, limits);
      live.textContent = found.length ? `Alert: ${found.join("; ")}` : "";
      row.classList.toggle("care-admin__flagged", found.length > 0);
    });
  }
}

for (const grid of document.querySelectorAll(".care-admin__grid[data-thresholds]")) {
  watch(grid);
}
