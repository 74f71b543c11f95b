// The language switch keeps the reader on the same section: static-i18n already
// links each language entry to the same page, we carry the #fragment along. Section
// ids are identical in both languages (a tested contract), so the fragment is valid.
document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll('link[rel="x-alternate-pending"]')) {
    link.rel = "alternate";  // hidden by hreflang-guard.js while Material started
  }
}, { once: true });

// Only a link that changes is written: on a page opened without a #fragment (most) this
// touches nothing, so the page's start-up gets no style work from here (issue 22; a trace
// of the load shows no layout or style recalculation with this script on its stack).
function syncLanguageLinks() {
  for (const link of document.querySelectorAll("a.md-select__link[hreflang]")) {
    const target = new URL(link.href);
    target.hash = location.hash;
    if (link.href !== target.href) link.href = target.href;
  }
}
window.addEventListener("hashchange", syncLanguageLinks);
syncLanguageLinks();
