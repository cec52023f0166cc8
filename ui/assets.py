"""The UI's global styles and the small scripts its HTML components run."""

# Global styles, injected once into <head> by the Sources panel (gr.HTML ``head``), so the
# Blocks stay self-contained whoever launches them. Colours follow the Gradio theme.
STYLE = """
<style id="qb-style">
.qb-answer p { margin: 0 0 .55em 0; }
.qb-answer ul { margin: .2em 0 .4em 1.1em; padding: 0; }
a.qb-cite { display: inline-block; margin: 0 .12em; padding: 0 .32em; border-radius: .4em;
  font-size: .78em; font-weight: 700; line-height: 1.35; vertical-align: .15em;
  text-decoration: none !important; cursor: pointer;
  color: var(--color-accent, #ea580c) !important;
  border: 1px solid var(--color-accent, #ea580c);
  background: var(--color-accent-soft, #fff7ed); }
a.qb-cite:hover, a.qb-cite:focus-visible { background: var(--color-accent, #ea580c);
  color: #fff !important; }
.qb-muted { color: var(--body-text-color-subdued, #6b7280); }
.qb-abstained .qb-not-found { font-weight: 700; font-style: italic; margin-bottom: .2em; }
.qb-related { border-left: 3px solid var(--border-color-primary, #d1d5db);
  padding-left: .7em; margin-top: .4em; font-size: .92em; }
.qb-related ul { margin: .2em 0 0 1em; padding: 0; }
.qb-related-head { margin: 0; font-weight: 600; }
.qb-loc { font-weight: 700; }
.qb-doc-title { font-style: italic; }
.qb-cited { color: var(--body-text-color, inherit); }
.qb-sources h3 { margin: 0 0 .4em 0; }
.qb-sources-q { font-weight: 600; margin: .2em 0 .4em 0; }
.qb-source { border: 1px solid var(--border-color-primary, #e5e7eb); border-radius: 8px;
  margin: .45em 0; padding: .35em .65em; background: var(--background-fill-secondary, #f9fafb);
  transition: box-shadow .2s, border-color .2s; }
.qb-source > summary { cursor: pointer; line-height: 1.45; }
.qb-source.qb-active, .qb-source:target { border-color: var(--color-accent, #ea580c);
  box-shadow: 0 0 0 2px var(--color-accent-soft, #fed7aa); }
.qb-num { font-weight: 700; color: var(--color-accent, #ea580c); }
.qb-source-body { margin-top: .4em; border-top: 1px dashed var(--border-color-primary, #e5e7eb);
  padding-top: .4em; }
.qb-source-doc { font-size: .88em; margin-bottom: .3em; }
.qb-earlier { margin-top: .8em; }
.qb-earlier > summary { cursor: pointer; font-weight: 600; }
.qb-turn { margin-bottom: .6em; }
.qb-para { margin: .55em 0; line-height: 1.55; }
.qb-pnum { font-size: .74em; font-weight: 700; margin-right: .35em; user-select: none;
  color: var(--body-text-color-subdued, #6b7280); }
mark.qb-mark { background: #fde68a; color: #111827; padding: 0 .1em; border-radius: 3px; }
.qb-article .qb-para.qb-focus { outline: 2px solid #f59e0b; border-radius: 6px;
  padding: .25em .45em; background: var(--background-fill-secondary, #fffbeb); }
.qb-kind-title { font-size: 1.25em; font-weight: 700; }
.qb-kind-heading { font-weight: 700; margin-top: 1em; }
.qb-kind-caption, .qb-kind-boilerplate { font-size: .9em; font-style: italic;
  color: var(--body-text-color-subdued, #6b7280); }
.qb-kind-pull_quote { font-style: italic; border-left: 3px solid #f59e0b; padding-left: .7em; }
.qb-article header p { margin-top: 0; }
.qb-expert-table { width: 100%; border-collapse: collapse; margin-bottom: 1em; }
.qb-expert-table th, .qb-expert-table td { text-align: left; padding: .35em .5em;
  border-bottom: 1px solid var(--border-color-primary, #e5e7eb); vertical-align: top; }
.qb-count { text-align: right !important; font-variant-numeric: tabular-nums; }
.qb-expert { margin: 1em 0; }
.qb-expert h3 { margin-bottom: .1em; }
.qb-quotes li { margin: .35em 0; }
a.qb-goto { font-weight: 700; white-space: nowrap; cursor: pointer; }
.qb-status { padding: .6em .8em; border-radius: 8px; border: 1px solid transparent; }
.qb-status-error { color: #991b1b; background: #fef2f2; border-color: #fecaca; }
.qb-status-ok { color: #166534; background: #f0fdf4; border-color: #bbf7d0; }
.qb-status-info { color: var(--body-text-color-subdued, #4b5563);
  background: var(--background-fill-secondary, #f9fafb); }
</style>
"""

# A document-level handler for citation markers (they live in the chat window): open and
# highlight the cited passage in the Sources panel. Installed once.
CITE_JS = """
if (!window.__qbCiteHandler) {
  window.__qbCiteHandler = true;
  document.addEventListener('click', function (ev) {
    const a = ev.target && ev.target.closest ? ev.target.closest('a.qb-cite') : null;
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    // the chat window's sanitizer drops data-* attributes, so the target comes from href
    const id = a.dataset.target || (a.getAttribute('href') || '').replace(/^#/, '');
    const el = id ? document.getElementById(id) : null;
    if (!el) return;
    document.querySelectorAll('.qb-source.qb-active').forEach(function (e) {
      e.classList.remove('qb-active');
    });
    for (let p = el; p; p = p.parentElement) { if (p.tagName === 'DETAILS') p.open = true; }
    el.classList.add('qb-active');
    el.scrollIntoView({block: 'nearest', behavior: 'smooth'});
  }, true);
}
"""

# Per-component handler: ¶N / "open in Article" links ask the server for the Article view;
# in-page anchors scroll without touching the URL.
GOTO_JS = """
element.addEventListener('click', function (ev) {
  const g = ev.target.closest('a.qb-goto');
  if (g) {
    ev.preventDefault();
    trigger('click', {doc: g.dataset.doc, paragraph: Number(g.dataset.paragraph),
                      start: Number(g.dataset.start ?? -1), end: Number(g.dataset.end ?? -1)});
    return;
  }
  const h = ev.target.closest('a[href^="#qb-"]');
  if (h && !h.classList.contains('qb-cite')) {
    ev.preventDefault();
    const t = document.getElementById(h.getAttribute('href').slice(1));
    if (t) t.scrollIntoView({block: 'start', behavior: 'smooth'});
  }
});
"""

# The Article view scrolls its focused paragraph (a landed citation) into view.
ARTICLE_JS = """
function qbFocus() {
  let tries = 0;
  const go = function () {
    const f = element.querySelector('.qb-focus');
    if (!f) return;
    if (f.offsetParent === null && tries++ < 20) { setTimeout(go, 100); return; }
    f.scrollIntoView({block: 'center'});
  };
  setTimeout(go, 60);
}
watch('value', qbFocus);
qbFocus();
"""
