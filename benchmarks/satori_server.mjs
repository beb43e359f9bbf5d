// satori + resvg served as @vercel/og serves cards: a small Node HTTP server drawing the same
// photo card as benchmarks/satori_cards.mjs for each request, for benchmarks/service.py.
//
//   cd benchmarks && npm install satori @resvg/resvg-js && node satori_server.mjs PHOTO PORT
//
// GET /card?quote=…&attribution=… draws the card; with &cache=1, a card drawn before for the same
// URL is served from memory (the hits a CDN or an in-process cache would give). Prints "ready PORT".
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const satori = require("satori").default;
const { Resvg } = require("@resvg/resvg-js");

const fonts = new URL("../fonts/", import.meta.url);
const serif = readFileSync(new URL("NotoSerifDisplay-SemiBold.ttf", fonts));
const sans = readFileSync(new URL("Inter-SemiBold.otf", fonts));
const photo = "data:image/jpeg;base64," + readFileSync(process.argv[2]).toString("base64");
const cache = new Map();

function element(quote, attribution) {
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

async function draw(quote, attribution) {
  const svg = await satori(element(quote, attribution), { width: 1200, height: 630, fonts: [
    { name: "Serif", data: serif, weight: 600, style: "normal" },
    { name: "Sans", data: sans, weight: 600, style: "normal" },
  ] });
  return new Resvg(svg, { fitTo: { mode: "width", value: 1200 } }).render().asPng();
}

const server = createServer(async (request, response) => {
  const url = new URL(request.url, "http://localhost");
  if (url.pathname !== "/card") { response.writeHead(404); response.end(); return; }
  const cached = url.searchParams.get("cache") === "1" ? cache.get(request.url) : undefined;
  const png = cached ?? await draw(url.searchParams.get("quote") ?? "", url.searchParams.get("attribution") ?? "");
  if (url.searchParams.get("cache") === "1") cache.set(request.url, png);
  response.writeHead(200, { "Content-Type": "image/png", "Content-Length": png.length });
  response.end(png);
});
server.listen(Number(process.argv[3] ?? 0), "127.0.0.1", () => console.log(`ready ${server.address().port}`));
