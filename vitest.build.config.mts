import path from "node:path";
import { defineConfig } from "vitest/config";

// Tests that need a production build (`next build`) and start servers: scripts/test.sh runs them after the build.
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "tests/unit/server-only-stub.ts"),
    },
  },
  test: {
    include: ["tests/build/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
