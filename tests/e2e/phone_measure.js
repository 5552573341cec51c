// Injected into a copy of the HTML report by tests/e2e/report.rs (the report itself has no
// JavaScript): measures what a 412 px wide phone shows and writes it as JSON into <pre id="measure">.
(function () {
  var W = document.documentElement.clientWidth;
  var r = { vw: W, scrollWidth: document.documentElement.scrollWidth };
  var over = [];
  document.querySelectorAll('body *').forEach(function (e) {
    var b = e.getBoundingClientRect();
    if (b.width > 0 && b.height > 0 && b.right > W + 0.5) {
      over.push(e.tagName + '#' + e.id + ':' + Math.round(b.right));
    }
  });
  r.overflowing = over.slice(0, 10);
  r.overflowCount = over.length;
  var scrollers = [];
  document.querySelectorAll('body *').forEach(function (e) {
    var s = getComputedStyle(e).overflowX;
    if ((s === 'auto' || s === 'scroll' || s === 'hidden') && e.scrollWidth > e.clientWidth + 1) {
      scrollers.push(e.tagName + '#' + e.id + '.' + e.className + ':' + (e.scrollWidth - e.clientWidth));
    }
  });
  r.scrollers = scrollers;
  var bars = {};
  document.querySelectorAll('svg [data-layer], svg [data-energy]').forEach(function (e) {
    var b = e.getBoundingClientRect();
    var fig = e.closest('figure');
    if (b.width === 0 && b.height === 0) return; // the hidden layout of a chart
    var id = (fig ? fig.id : '') + '/' + (e.getAttribute('data-layer') || e.getAttribute('data-energy'));
    var f = fig ? fig.getBoundingClientRect() : { left: 0, right: W };
    bars[id] = { w: b.width, h: b.height, left: b.left, right: b.right, inside: b.width > 0 && b.height > 0 && b.left >= Math.max(0, f.left) - 0.5 && b.right <= Math.min(W, f.right) + 0.5 };
  });
  r.bars = bars;
  var minText = 1e9, minWhere = '', overlaps = [];
  document.querySelectorAll('svg').forEach(function (svg) {
    var boxes = [];
    svg.querySelectorAll('text').forEach(function (t) {
      var b = t.getBoundingClientRect();
      if (b.width === 0) return;
      var size = parseFloat(t.getAttribute('font-size')) * (svg.getBoundingClientRect().width / svg.viewBox.baseVal.width);
      if (size < minText) { minText = size; minWhere = t.textContent; }
      if (b.right > W + 0.5 || b.left < -0.5) overlaps.push('outside: ' + t.textContent);
      boxes.forEach(function (o) {
        var p = o.b;
        if (b.left < p.right - 1 && p.left < b.right - 1 && b.top < p.bottom - 1 && p.top < b.bottom - 1) {
          overlaps.push(o.t + ' | ' + t.textContent);
        }
      });
      boxes.push({ b: b, t: t.textContent });
    });
  });
  r.minTextPx = Math.round(minText * 10) / 10;
  r.minTextWhere = minWhere;
  r.textOverlaps = overlaps.slice(0, 20);
  r.textOverlapCount = overlaps.length;
  var pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify(r);
  document.body.appendChild(pre);
})();
