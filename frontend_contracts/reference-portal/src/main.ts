import { createApp } from 'vue'
import App from './App.vue'
import { auth } from './auth/token'
import { createPortalRouter, prefetchScreens } from './router'
import './style.css'

const router = createPortalRouter(() => auth.token.value)
createApp(App).use(router).mount('#app')

// Once the first screen has had time to load and the browser is idle, fetch the
// other screens' code, so that they open offline too.
void router.isReady().then(() => {
  const idle = window.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 0))
  setTimeout(() => idle(prefetchScreens, { timeout: 3000 }), 2000)
})
