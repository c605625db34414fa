// css.js — a screen module's own stylesheet, linked into the page once, however
// many modules import it or however often.

/** Link the stylesheet at href unless the page has it already. */
export function loadStylesheet(href) {
  if (document.querySelector(`link[rel="stylesheet"][href="${href}"]`)) return;
  const l = document.createElement('link');
  l.rel = 'stylesheet';
  l.href = href;
  document.head.appendChild(l);
}
