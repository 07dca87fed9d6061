/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where the API is, if not on this origin: e.g. https://api.example.gov.cn (needs CORS). */
  readonly VITE_API_BASE?: string
  /** The site to open when the address names none (?site=...): e.g. 340123. */
  readonly VITE_DEFAULT_SITE?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
