// The root 404.html is what many hosts (GitHub Pages, Netlify, npm serve) answer every
// miss with, /en/ ones included. It holds each language's text in a block naming that
// language's root (overrides/hooks/not_found.py); this shows the block with the longest
// root the missing URL is under. Without JavaScript every block stays visible.
(() => {
  const blocks = [...document.querySelectorAll("[data-not-found-language]")];
  // A block's root is relative to the site root, which the page's <base> names
  // (overrides/partials/not-found-base.js).
  const root = (block) => new URL(block.dataset.languageRoot || "./", document.baseURI).pathname;
  const chosen = blocks
    .filter((block) => location.pathname.startsWith(root(block)))
    .sort((a, b) => root(b).length - root(a).length)[0];
  if (!chosen) return;
  for (const block of blocks) block.hidden = block !== chosen;
  document.documentElement.lang = chosen.lang;
  document.title = chosen.dataset.title;
})();
