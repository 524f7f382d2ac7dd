// Measure 4, page weight: first-load JavaScript of the admin's pages, gzip level 9 per chunk as a browser would
// download it, from the build's own list of chunks (.next/diagnostics/route-bundle-stats.json, written by Next 16).
// The bare page is /_not-found of the same build: the framework and root layout with no page code.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { z } from "zod";
import { BenchError } from "./harness";
import { ROOT } from "./processes";

export const BARE_ROUTE = "/_not-found";
export const MEASURED_ROUTES = ["/login", "/guide", "/guide/[step]", "/connect", "/status"] as const;
/** The target applies to what an admin opening /guide downloads: /guide itself only redirects to /guide/<step>. */
export const GUIDE_ROUTES = ["/guide", "/guide/[step]"] as const;

const statsSchema = z.array(
  z.object({
    route: z.string(),
    firstLoadUncompressedJsBytes: z.number(),
    firstLoadChunkPaths: z.array(z.string()),
  }),
);

export interface RouteWeight {
  route: string;
  chunks: number;
  rawBytes: number;
  gzipBytes: number;
}

export interface PageWeightResult {
  bare: RouteWeight;
  routes: RouteWeight[];
  statsFile: string;
}

export function measurePageWeight(): PageWeightResult {
  const statsFile = path.join(ROOT, ".next/diagnostics/route-bundle-stats.json");
  if (!fs.existsSync(statsFile)) throw new BenchError(`page weight: ${path.relative(ROOT, statsFile)} is missing; is this a Next 16 build?`);
  const stats = statsSchema.parse(JSON.parse(fs.readFileSync(statsFile, "utf8")));
  const gzipCache = new Map<string, { raw: number; gzip: number }>();

  const weigh = (route: string): RouteWeight => {
    const entry = stats.find((candidate) => candidate.route === route);
    if (!entry) throw new BenchError(`page weight: the build lists no route ${route}`);
    let rawBytes = 0;
    let gzipBytes = 0;
    for (const chunk of entry.firstLoadChunkPaths) {
      const file = path.resolve(ROOT, chunk);
      if (!file.startsWith(path.join(ROOT, ".next", "static") + path.sep)) throw new BenchError(`page weight: unexpected chunk path ${chunk}`);
      let sizes = gzipCache.get(file);
      if (!sizes) {
        const content = fs.readFileSync(file);
        sizes = { raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
        gzipCache.set(file, sizes);
      }
      rawBytes += sizes.raw;
      gzipBytes += sizes.gzip;
    }
    return { route, chunks: entry.firstLoadChunkPaths.length, rawBytes, gzipBytes };
  };

  return { bare: weigh(BARE_ROUTE), routes: MEASURED_ROUTES.map(weigh), statsFile: path.relative(ROOT, statsFile) };
}
