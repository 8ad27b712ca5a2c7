// Starts the web app (a module of its own: the page's Content-Security-Policy
// allows no inline script). `cargo xtask web` writes the hashed names of the
// glue and the WebAssembly in place of the two placeholders below.
import init from '/pkg/@JS@';

init({ module_or_path: '/pkg/@WASM@' }).catch((err) => {
  console.error(err);
  const boot = document.getElementById('boot');
  if (boot) {
    boot.querySelector('p').textContent =
      'Atelier could not start in this browser. Reload the page; if it persists, ask the person who runs this server to rebuild the web app (cargo xtask run).';
  }
});
