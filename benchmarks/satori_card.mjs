// The photo card satori + resvg draw for the benchmarks (satori_cards.mjs for run.py,
// satori_server.mjs for service.py): full-bleed photo, dark gradient, serif quote, attribution,
// in the fonts quotecards sets them in.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const satori = require("satori").default;
const { Resvg } = require("@resvg/resvg-js");

const fonts = new URL("../fonts/", import.meta.url);
const serif = readFileSync(new URL("NotoSerifDisplay-SemiBold.ttf", fonts));
const sans = readFileSync(new URL("Inter-SemiBold.otf", fonts));

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

// A photo (a data: URL) with its quote and attribution, as PNG bytes.
export async function drawCard(photo, quote, attribution) {
  const svg = await satori(element(photo, quote, attribution), {
    width: 1200, height: 630,
    fonts: [{ name: "Serif", data: serif, weight: 600 }, { name: "Sans", data: sans, weight: 600 }],
  });
  return new Resvg(svg, { fitTo: { mode: "width", value: 1200 } }).render().asPng();
}

export function photoData(path) {
  return "data:image/jpeg;base64," + readFileSync(path).toString("base64");
}
