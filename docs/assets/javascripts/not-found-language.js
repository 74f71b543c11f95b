// The root 404.html is what many hosts (GitHub Pages, Netlify, npm serve) answer every
// miss with, /en/ ones included. It holds each language's text in a block naming that
// language's root (overrides/hooks/not_found.py); this shows the block with the longest
// root the missing URL is under. Without JavaScript every block stays visible.
(() => {
  const blocks = [...document.querySelectorAll("[data-not-found-language]")];
  const chosen = blocks
    .filter((block) => location.pathname.startsWith(block.dataset.languageRoot))
    .sort((a, b) => b.dataset.languageRoot.length - a.dataset.languageRoot.length)[0];
  if (!chosen) return;
  for (const block of blocks) block.hidden = block !== chosen;
  document.documentElement.lang = chosen.lang;
  document.title = chosen.dataset.title;
})();
