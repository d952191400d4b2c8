import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

/**
 * `npm run dev` serves the app on :5173 and proxies /api to a server on :3001 (start it with
 * `TRUSTED_ORIGINS=http://localhost:5173 npm start`); `npm run build` writes dist/, which segmento-server serves
 * at /.
 */
export default defineConfig({
  plugins: [preact()],
  server: {
    proxy: { "/api": { target: process.env.SEGMENTO_API_URL ?? "http://localhost:3001" } },
  },
  build: { target: "es2022" },
});
