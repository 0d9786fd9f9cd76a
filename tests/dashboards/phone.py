"""What a phone (390 px wide) shows of a page's charts: every axis label, bar label and legend
entry inside its chart (none clipped), no two of them overlapping, and no sideways scrolling
of the page itself (wide tables scroll inside their own box)."""

from __future__ import annotations

PHONE_WIDTH = 390
PHONE_PROBE = """() => {
  const texts = (gd, sel) => Array.from(gd.querySelectorAll(sel))
    .filter(e => e.textContent.trim() !== '' && e.getBoundingClientRect().width > 0);
  const within = (b, box) => b.left >= box.left - 1 && b.right <= box.right + 1
    && b.top >= box.top - 1 && b.bottom <= box.bottom + 1;
  const meets = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const out = {overflow: document.documentElement.scrollWidth - window.innerWidth,
               clipped: [], overlaps: [], labels: 0};
  document.querySelectorAll('.js-plotly-plot').forEach(gd => {
    const box = gd.getBoundingClientRect();
    const groups = [texts(gd, '.xtick text'), texts(gd, '.ytick text'),
                    texts(gd, '.bartext'), texts(gd, '.legendtext'),
                    texts(gd, '.g-xtitle text, .g-ytitle text')];
    const all = groups.flat();
    out.labels += all.length;
    all.forEach(e => { if (!within(e.getBoundingClientRect(), box))
      out.clipped.push(gd.id + ': ' + e.textContent); });
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) {
      if (meets(all[i].getBoundingClientRect(), all[j].getBoundingClientRect()))
        out.overlaps.push(gd.id + ': ' + all[i].textContent + ' / ' + all[j].textContent);
    }
  });
  return out;
}"""
