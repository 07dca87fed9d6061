// The portal's build, its dev and preview servers, and its unit tests (vitest).
//
// The dev and preview servers forward the API's paths to LIANXI_API (default: the
// `make demo` server on 127.0.0.1:8000), so the browser sees one origin and no CORS
// set-up is needed. They keep the browser's Host header: the API builds absolute
// image and document addresses from it, which therefore point back at this server.
// In production the same paths go to the API through the web server (see README.md),
// or the portal calls another origin with VITE_API_BASE and the API's CORS settings.
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

const api = process.env.LIANXI_API ?? 'http://127.0.0.1:8000'
const proxy = Object.fromEntries(
  ['/api/', '/media/', '/documents/'].map((path) => [path, { target: api, changeOrigin: false }]),
)

export default defineConfig({
  plugins: [vue()],
  server: { host: '127.0.0.1', port: 5173, proxy },
  preview: { host: '127.0.0.1', port: 4173, proxy },
  build: { target: 'es2020', reportCompressedSize: true },
  test: { include: ['tests/**/*.test.ts'], environment: 'node' },
})
