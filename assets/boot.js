// Starts the web app (a module of its own: the page's Content-Security-Policy
// allows no inline script).
import init from '/pkg/atelier_client.js';

init().catch((err) => {
  console.error(err);
  const boot = document.getElementById('boot');
  if (boot) {
    boot.querySelector('p').textContent =
      'Atelier could not start in this browser. Reload the page; if it persists, ask the person who runs this server to rebuild the web app (cargo xtask run).';
  }
});
