// The satori + resvg figure for benchmarks/run.py: the engine behind @vercel/og making the same
// photo card (full-bleed photo, dark gradient, serif quote, attribution) for each job.
//
//   cd benchmarks && npm install satori @resvg/resvg-js && node satori_cards.mjs jobs.json
//
// jobs.json: [{"photo": "/path.jpg", "quote": "...", "attribution": "..."}, ...]. Prints one JSON
// line: the milliseconds each card took (satori layout + resvg render + PNG) and its bytes.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

const require = createRequire(import.meta.url);
const satori = require("satori").default;
const { Resvg } = require("@resvg/resvg-js");

const fonts = new URL("../fonts/", import.meta.url);
const serif = readFileSync(new URL("NotoSerifDisplay-SemiBold.ttf", fonts));
const sans = readFileSync(new URL("Inter-SemiBold.otf", fonts));
const jobs = JSON.parse(readFileSync(process.argv[2], "utf8"));

function element(photo, quote, attribution) {
  const h = (type, style, children) => ({ type, props: { style, children } });
  return h("div", { width: 1200, height: 630, display: "flex", position: "relative" }, [
    { type: "img", props: { src: photo, width: 1200, height: 630, style: { position: "absolute", objectFit: "cover" } } },
    h("div", { position: "absolute", width: 1200, height: 630,
               backgroundImage: "linear-gradient(rgba(5,7,13,0.25), rgba(5,7,13,0.8))" }, []),
    h("div", { position: "absolute", left: 90, top: 50, width: 1020, height: 404, display: "flex",
               alignItems: "flex-end", fontFamily: "Serif", fontSize: 64, lineHeight: 1.12, color: "white" },
      `\u201c${quote}\u201d`),
    h("div", { position: "absolute", left: 90, top: 504, width: 1020, fontFamily: "Sans", fontSize: 24,
               color: "#eef0f4" }, attribution),
  ]);
}

const photos = new Map();
const times = [];
const bytes = [];
for (const job of jobs) {
  if (!photos.has(job.photo)) {
    photos.set(job.photo, "data:image/jpeg;base64," + readFileSync(job.photo).toString("base64"));
  }
  const start = performance.now();
  const svg = await satori(element(photos.get(job.photo), job.quote, job.attribution), {
    width: 1200, height: 630,
    fonts: [{ name: "Serif", data: serif, weight: 600 }, { name: "Sans", data: sans, weight: 600 }],
  });
  const png = new Resvg(svg, { fitTo: { mode: "width", value: 1200 } }).render().asPng();
  times.push(performance.now() - start);
  bytes.push(png.length);
}
console.log(JSON.stringify({ times, bytes }));
