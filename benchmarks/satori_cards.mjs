// The satori + resvg figure for benchmarks/run.py: the engine behind @vercel/og making the same
// photo card (full-bleed photo, dark gradient, serif quote, attribution) for each job.
//
//   cd benchmarks && npm install satori @resvg/resvg-js && node satori_cards.mjs jobs.json
//
// jobs.json: [{"photo": "/path.jpg", "quote": "...", "attribution": "..."}, ...]. Prints one JSON
// line: the milliseconds each card took (satori layout + resvg render + PNG) and its bytes.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

import { drawCard, photoData } from "./satori_card.mjs";

const jobs = JSON.parse(readFileSync(process.argv[2], "utf8"));
const photos = new Map();
const times = [];
const bytes = [];
for (const job of jobs) {
  if (!photos.has(job.photo)) {
    photos.set(job.photo, photoData(job.photo));
  }
  const start = performance.now();
  const png = await drawCard(photos.get(job.photo), job.quote, job.attribution);
  times.push(performance.now() - start);
  bytes.push(png.length);
}
console.log(JSON.stringify({ times, bytes }));
