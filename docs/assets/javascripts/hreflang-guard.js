// Material's bundle, on DOMContentLoaded, fetches "sitemap.xml" next to every
// <link rel="alternate"> because it expects those links to point at language roots.
// Ours point at the translated page itself (what search engines want), so each of
// those requests would 404. This listener runs before the bundle's and hides the
// links; language-switch.js, whose listener runs after the bundle's, puts them back.
document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll('link[rel="alternate"][hreflang]')) {
    link.rel = "x-alternate-pending";
  }
}, { once: true });
