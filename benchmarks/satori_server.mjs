// satori + resvg served as @vercel/og serves cards: a small Node HTTP server drawing the same
// photo card as benchmarks/satori_cards.mjs for each request, for benchmarks/service.py.
//
//   cd benchmarks && npm install satori @resvg/resvg-js && node satori_server.mjs PHOTO PORT
//
// GET /card?quote=…&attribution=… draws the card; with &cache=1, a card drawn before for the same
// URL is served from memory (the hits a CDN or an in-process cache would give). Prints "ready PORT".
import { createServer } from "node:http";

import { drawCard, photoData } from "./satori_card.mjs";

const photo = photoData(process.argv[2]);
const cache = new Map();

const server = createServer(async (request, response) => {
  const url = new URL(request.url, "http://localhost");
  if (url.pathname !== "/card") { response.writeHead(404); response.end(); return; }
  const cached = url.searchParams.get("cache") === "1" ? cache.get(request.url) : undefined;
  const png = cached ?? await drawCard(photo, url.searchParams.get("quote") ?? "",
                                       url.searchParams.get("attribution") ?? "");
  if (url.searchParams.get("cache") === "1") cache.set(request.url, png);
  response.writeHead(200, { "Content-Type": "image/png", "Content-Length": png.length });
  response.end(png);
});
server.listen(Number(process.argv[3] ?? 0), "127.0.0.1", () => console.log(`ready ${server.address().port}`));
