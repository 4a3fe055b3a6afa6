import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
	root: new URL(".", import.meta.url).pathname,
	plugins: [react()],
	build: { outDir: "dist", emptyOutDir: true },
	server: { proxy: { "/v1": "http://localhost:8080" } },
});
