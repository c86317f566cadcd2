// Service colours and the page's theme (light or dark, from its CSS variables).

// Hues chosen to be told apart next to each other; red is kept for errors and
// purple for links.
const HUES = [212, 32, 140, 188, 48, 322, 96, 240, 164, 18, 72, 340];

function serviceColor(svc) {
  const hue = HUES[svc % HUES.length];
  const round = Math.floor(svc / HUES.length) % 3; // later services: a lighter or darker shade
  if (theme.dark) return 'hsl(' + hue + ', 38%, ' + (40 + (round === 1 ? 7 : round === 2 ? -6 : 0)) + '%)';
  return 'hsl(' + hue + ', 62%, ' + (72 + (round === 1 ? -9 : round === 2 ? 7 : 0)) + '%)';
}

const theme = { dark: false, vars: {} };

function readTheme() {
  theme.dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  const css = getComputedStyle(document.documentElement);
  for (const name of ['bg', 'panel', 'text', 'muted', 'border', 'accent', 'error', 'link', 'flame-bg', 'flame-grid', 'bar-text', 'selected', 'selection-band', 'critical']) {
    theme.vars[name] = css.getPropertyValue('--' + name).trim();
  }
}

function swatch(svc) {
  const s = el('span', 'swatch');
  s.style.backgroundColor = serviceColor(svc);
  return s;
}
