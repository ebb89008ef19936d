#!/usr/bin/env node
// Prints the gzip size of the JavaScript the browser loads before the first page renders:
// the entry script in dist/index.html plus every chunk it preloads (lazy pages are not counted).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = resolve(fileURLToPath(new URL("..", import.meta.url)), "dist");
let html;
try {
  html = readFileSync(join(dist, "index.html"), "utf8");
} catch {
  console.error("dist/index.html not found: run `npm run build` first");
  process.exit(1);
}
const files = [
  ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
  ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
].map((m) => m[1]);
const unique = [...new Set(files)];
let raw = 0;
let gzip = 0;
for (const file of unique) {
  const data = readFileSync(join(dist, file.replace(/^\//, "")));
  const gz = gzipSync(data, { level: 9 }).length;
  raw += data.length;
  gzip += gz;
  console.log(`${(gz / 1024).toFixed(1).padStart(8)} kB gz  ${file}`);
}
console.log(
  `${(gzip / 1024).toFixed(1).padStart(8)} kB gz  initial JS total (${(raw / 1024).toFixed(1)} kB raw, ${unique.length} files)`,
);
