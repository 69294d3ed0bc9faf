// Trend charts drawn with uPlot (vendored, loaded before this module as window.uPlot).
// Every chart has a table of the same numbers beside it for screen readers and for print.
import { dateFormatter } from "./dates.js";

const TONE_LABELS = ["0", "1", "1+", "2", "3", "4"];
const METRICS = {
  pain: { range: [0, 10] },
  tone: { range: [0, 5], value: (p) => TONE_LABELS.indexOf(p.tone), tick: (v) => TONE_LABELS[v] ?? "" },
  ease: { range: [0, 10] },
  rom_degrees: { range: null },
};

// Dates on the time axis as the page's language writes them everywhere else ("27 Dec",
// "27 de diciembre"): uPlot's own are English and month first. Hours when ticks are under a
// day apart, months and years when they are a month or more apart.
function timeTicks() {
  const hour = dateFormatter("TIME_FORMAT");
  const day = dateFormatter("MONTH_DAY_FORMAT");
  const month = dateFormatter("YEAR_MONTH_FORMAT");
  const DAY = 86400;
  return (u, splits, axis, space, increment) => {
    const style = increment < DAY ? hour : increment < 28 * DAY ? day : month;
    return splits.map((t) => style.format(new Date(t * 1000)));
  };
}
const TIME_TICKS = timeTicks();

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

// A vertical line across the chart on each of these days (seconds since the epoch).
function dayMarks(times, { color, width, dash = [] }) {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx, bbox } = u;
          ctx.save();
          ctx.strokeStyle = css(color);
          ctx.setLineDash(dash);
          ctx.lineWidth = width * devicePixelRatio;
          for (const t of times) {
            const x = Math.round(u.valToPos(t, "x", true));
            if (x < bbox.left || x > bbox.left + bbox.width) continue;
            ctx.beginPath();
            ctx.moveTo(x, bbox.top);
            ctx.lineTo(x, bbox.top + bbox.height);
            ctx.stroke();
          }
          ctx.restore();
        },
      ],
    },
  };
}

// Dashed where the plan changed, so a change in the trend can be read against it.
const planChangeMarks = (changes) =>
  dayMarks(
    changes.map((c) => Date.parse(c.changed_at) / 1000),
    { color: "--muted", width: 1, dash: [4, 4] },
  );

// Solid, in their own colour, on the day of each other treatment (an injection, a medicine
// change, a cast, a block of therapy); each chart's table lists them as text.
const treatmentMarks = (events) =>
  dayMarks(
    (events || []).map((e) => Date.parse(e.on) / 1000),
    { color: "--treatment", width: 2 },
  );

function draw(element, data) {
  const metric = METRICS[element.dataset.metric];
  const value = metric.value ?? ((p) => p[element.dataset.metric]);
  const points = data.series.filter((p) => value(p) !== null && value(p) !== undefined && value(p) >= 0);
  if (points.length === 0) return null;
  const xs = points.map((p) => Date.parse(p.recorded_at) / 1000);
  const ys = points.map(value);
  const text = css("--text");
  const options = {
    width: element.clientWidth,
    height: 180,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: true }, y: metric.range ? { range: metric.range } : {} },
    axes: [
      { stroke: text, grid: { stroke: css("--border") }, values: TIME_TICKS },
      {
        stroke: text,
        grid: { stroke: css("--border") },
        // The six grades as labels, one per line: 1+ sits between 1 and 2.
        ...(metric.tick ? { splits: () => [0, 1, 2, 3, 4, 5], values: (u, splits) => splits.map(metric.tick) } : {}),
      },
    ],
    series: [{}, { stroke: css("--accent"), width: 2, points: { show: true, size: 7, fill: css("--accent") } }],
    plugins: [planChangeMarks(data.plan_changes), treatmentMarks(data.treatments)],
  };
  return new window.uPlot(options, [xs, ys], element);
}

const source = document.getElementById("trend-data");
if (source && window.uPlot) {
  const data = JSON.parse(source.textContent);
  const drawAll = () =>
    [...document.querySelectorAll(".chart[data-metric]")]
      .map((element) => [element, draw(element, data)])
      .filter(([, chart]) => chart);
  let charts = drawAll();
  // Colours come from the stylesheet when drawn: redraw when the phone turns dark or light.
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    for (const [, chart] of charts) chart.destroy();
    charts = drawAll();
  });
  let pending;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      for (const [element, chart] of charts) chart.setSize({ width: element.clientWidth, height: 180 });
    }, 150);
  });
}
