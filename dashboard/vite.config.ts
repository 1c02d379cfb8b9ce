import { defineConfig } from 'vite';

// `npm run dev -w @taskwire/dashboard` serves the app with hot reload and sends the API calls to a
// gateway (TASKWIRE_GATEWAY, default the one `taskwire dev` starts).
const gateway = process.env.TASKWIRE_GATEWAY ?? 'http://127.0.0.1:7381';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { target: 'es2022', sourcemap: true },
  server: {
    proxy: {
      '/taskwire.v1.': { target: gateway, changeOrigin: false },
      '/artifacts/': gateway,
    },
  },
});
