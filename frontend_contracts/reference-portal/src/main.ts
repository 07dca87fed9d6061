import { createApp } from 'vue'
import App from './App.vue'
import { auth } from './auth/token'
import { createPortalRouter, prefetchScreens } from './router'
import './style.css'

const router = createPortalRouter(() => auth.token.value)
createApp(App).use(router).mount('#app')

// Once the first screen is up and the browser is idle, fetch the other screens' code.
void router.isReady().then(() => {
  const idle = window.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 1500))
  idle(prefetchScreens, { timeout: 3000 })
})
