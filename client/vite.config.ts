import { defineConfig } from 'vite';

// The API server (npm start) listens on 7300 by default; the dev server forwards to it.
const target = process.env.FAULTLINE_API ?? 'http://127.0.0.1:7300';

export default defineConfig({
  root: import.meta.dirname,
  // esbuild compiles JSX itself; no React plugin needed (no fast refresh, full reloads instead).
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: {
    port: 5173,
    proxy: {
      '/api': {
        target,
        ws: true,
        changeOrigin: true,
        // The server accepts terminal sockets from its own origin only; speak for the dev page.
        configure: (proxy) => proxy.on('proxyReqWs', (req) => req.setHeader('origin', target)),
      },
      '/healthz': target,
      // Single sign-on's redirects to and from the provider.
      '/auth': target,
    },
  },
});
