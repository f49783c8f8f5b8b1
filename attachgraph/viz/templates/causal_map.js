/* attachgraph causal map: behaviour of the page.
 * Every text from the data reaches the page through textContent or vis-network's canvas
 * labels, never through innerHTML, so a label that looks like an HTML tag stays text. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('ag-data').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var reduceMotion = !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  var anim = function (ms) { return reduceMotion ? false : { duration: ms, easingFunction: 'easeInOutQuad' }; };

  var info = data.info, edgeInfo = data.edgeInfo;
  var overlayNodes = new Set(data.overlay.nodes), overlayEdges = new Set(data.overlay.edges);
  var base = { nodes: {}, edges: {} };
  var outLinks = {}, inLinks = {};
  data.nodes.forEach(function (n) { base.nodes[n.id] = n; outLinks[n.id] = []; inLinks[n.id] = []; });
  data.edges.forEach(function (e) { base.edges[e.id] = e; outLinks[e.from].push(e.id); inLinks[e.to].push(e.id); });
  // evidence: each causal link's rank on the ontology's scale; a concept's strongest link
  var nodeMaxRank = {};
  data.edges.forEach(function (e) {
    var ei = edgeInfo[e.id];
    if (!ei) return;  // an "includes" link of a level of care: no evidence of its own
    [e.from, e.to].forEach(function (n) { nodeMaxRank[n] = Math.max(nodeMaxRank[n] === undefined ? -1 : nodeMaxRank[n], ei.rank); });
  });
  var loopsOf = {};
  data.loops.forEach(function (loop) { loop.nodes.forEach(function (n) { (loopsOf[n] = loopsOf[n] || []).push(loop.id); }); });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = $('ag-map');
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  var state = { overlay: !!data.overlay.on, focus: null, highlight: null, selected: null, story: -1, whatif: null, linkCursor: null, minRank: data.minGrade };

  // --- drawing the view -------------------------------------------------
  // under the evidence filter, a concept whose links are all hidden goes too (concepts without
  // causal links, such as a level of care's targets, are left to the other rules)
  function gradeHidesNode(id) {
    if (state.minRank <= data.minGrade) return false;
    if (nodeMaxRank[id] === undefined) {  // no causal link: it stays while one of its care links does
      return !outLinks[id].concat(inLinks[id]).some(function (eid) { return !gradeHidesEdge(eid); });
    }
    if (nodeMaxRank[id] < state.minRank) return true;
    return !outLinks[id].concat(inLinks[id]).some(function (eid) {
      var e = base.edges[eid], other = e.from === id ? e.to : e.from;
      return edgeInfo[eid] && edgeInfo[eid].rank >= state.minRank && (state.overlay || (!overlayNodes.has(other) && !overlayEdges.has(eid)));
    });
  }
  function gradeHidesEdge(eid) {
    var rank = edgeInfo[eid] ? edgeInfo[eid].rank : data.careRank[eid];
    return rank !== undefined && rank < state.minRank;
  }
  function isHidden(id) {
    if (!state.overlay && overlayNodes.has(id)) return true;
    if (state.focus && !state.focus.has(id)) return true;
    if (gradeHidesNode(id)) return true;
    return false;
  }
  function edgeHidden(eid) {
    var e = base.edges[eid];
    return isHidden(e.from) || isHidden(e.to) || (!state.overlay && overlayEdges.has(eid)) || gradeHidesEdge(eid);
  }
  function fade(hex, alpha) {
    var v = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((v >> 16) & 255) + ',' + ((v >> 8) & 255) + ',' + (v & 255) + ',' + alpha + ')';
  }
  function applyView() {
    var h = state.highlight;
    var nodeUpdates = data.nodes.map(function (n) {
      var faded = h && !h.nodes.has(n.id);
      return { id: n.id, hidden: isHidden(n.id), opacity: faded ? 0.18 : 1 };
    });
    var edgeUpdates = data.edges.map(function (e) {
      var hidden = edgeHidden(e.id);
      var faded = h && !h.edges.has(e.id);
      var current = h && h.current && h.current.has(e.id);
      var colour = e.color.color;
      return {
        id: e.id, hidden: hidden,
        color: { color: faded ? fade(colour, 0.12) : colour, highlight: colour, hover: colour, inherit: false },
        width: current ? e.width * 2.2 : e.width,
        font: Object.assign({}, e.font, { color: faded ? fade(colour, 0.15) : e.font.color, strokeColor: faded ? 'rgba(255,255,255,0.2)' : '#ffffff',
          bold: Object.assign({}, e.font.bold || {}, { color: faded ? fade(colour, 0.15) : (e.font.bold || {}).color }) })
      };
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    var overlayButton = $('ag-overlay');
    overlayButton.setAttribute('aria-pressed', String(state.overlay));
    $('ag-ranking').hidden = !state.overlay || !data.overlay.ranking.length;
    // the text version follows the evidence filter, so print and screen readers get the same links
    document.querySelectorAll('#ag-text tr[data-edge]').forEach(function (tr) { tr.hidden = gradeHidesEdge(tr.getAttribute('data-edge')); });
    gradeStatus();
  }
  function gradeStatus() {
    var status = $('ag-grade-status');
    if (!status) return;
    if (state.minRank <= data.minGrade) { status.textContent = ''; return; }
    var strong = Object.keys(edgeInfo).filter(function (eid) { return !gradeHidesEdge(eid); });
    var shown = strong.filter(function (eid) { return !edgeHidden(eid); }).length;
    var g = data.grades.filter(function (x) { return x.rank === state.minRank; })[0];
    status.textContent = 'Showing ' + shown + ' of ' + Object.keys(edgeInfo).length + ' links: evidence of at least ' + (g ? g.label : 'rank ' + state.minRank) + '.' +
      (strong.length > shown ? ' ' + (strong.length - shown) + ' more are off with the treatment layer or the focus.' : '');
  }
  function resized() { network.setSize('100%', '100%'); network.redraw(); }
  function visibleIds() { return data.nodes.filter(function (n) { return !isHidden(n.id); }).map(function (n) { return n.id; }); }
  function fitVisible(ms) { network.fit({ nodes: visibleIds(), animation: anim(ms || 500) }); }

  // column headers, ring outlines, loop badges and what-if marks are drawn on the canvas
  network.on('beforeDrawing', function (ctx) {
    // stage headers keep a readable size on screen at any zoom
    ctx.save();
    var scale = network.getScale();
    var size = Math.max(20, 17 / scale);
    var top = Infinity;
    data.nodes.forEach(function (n) { if (!isHidden(n.id)) top = Math.min(top, n.y); });
    if (top === Infinity) top = 0;
    ctx.font = 'bold ' + size + 'px ' + data.font;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    var shownColumns = data.columns.filter(function (c) { return c[1] !== 'treatment' || state.overlay; });
    shownColumns.forEach(function (c, i) {
      // shrink a header that would run into the next one
      var room = i + 1 < shownColumns.length ? shownColumns[i + 1][0] - c[0] - 20 : Infinity;
      var fsize = size;
      ctx.font = 'bold ' + fsize + 'px ' + data.font;
      while (fsize > 8 && fsize * 2.3 + ctx.measureText(c[1].toUpperCase()).width > room) {
        fsize *= 0.9;
        ctx.font = 'bold ' + fsize + 'px ' + data.font;
      }
      var y = top - 40 - size;
      var chip = fsize * 0.9;
      ctx.fillStyle = c[2];
      ctx.strokeStyle = c[3];
      ctx.lineWidth = Math.max(2, 2 / scale);
      ctx.fillRect(c[0] - 75, y - chip / 2, chip, chip);
      ctx.strokeRect(c[0] - 75, y - chip / 2, chip, chip);
      ctx.fillStyle = '#333333';
      ctx.fillText(c[1].toUpperCase(), c[0] - 75 + chip * 1.4, y);
    });
    ctx.font = 'bold ' + size + 'px ' + data.font;
    ctx.setLineDash([6, 8]);
    ctx.strokeStyle = '#b9b9b9';
    ctx.lineWidth = 2;
    data.rings.forEach(function (r) {
      if (r[3].some(isHidden)) return;
      ctx.beginPath(); ctx.arc(r[0], r[1], r[2], 0, 2 * Math.PI); ctx.stroke();
    });
    ctx.restore();
  });
  network.on('afterDrawing', function (ctx) {
    var pos = network.getPositions();
    ctx.save();
    data.loops.forEach(function (loop) {
      if (loop.nodes.some(isHidden) || loop.edges.some(gradeHidesEdge)) return;
      var h = state.highlight;
      var dim = h && !loop.nodes.every(function (n) { return h.nodes.has(n); });
      var x = loop.badge[0], y = loop.badge[1];
      ctx.globalAlpha = dim ? 0.2 : 1;
      ctx.beginPath();
      ctx.arc(x, y, 19, 0, 2 * Math.PI);
      ctx.fillStyle = '#ffffff';
      ctx.fill();
      ctx.lineWidth = 3;
      ctx.setLineDash(loop.polarity === 'reinforcing' ? [] : [5, 4]);
      ctx.strokeStyle = '#1a1a1a';
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#1a1a1a';
      ctx.font = 'bold 16px ' + data.font;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(loop.id, x, y + 1);
      ctx.font = '15px ' + data.font;
      ctx.fillText(loop.clockwise ? '\u21bb' : '\u21ba', x + 27, y - 12);
    });
    ctx.globalAlpha = 1;
    drawMarks(ctx);
    if (state.whatif) {
      var marks = { up: '\u25b2', down: '\u25bc', ambiguous: '?' };
      Object.keys(state.whatif.effects).forEach(function (id) {
        if (isHidden(id) || !pos[id]) return;
        var dir = state.whatif.effects[id];
        var box = network.getBoundingBox(id);
        var x = box.right - 2, y = box.top - 2;
        ctx.beginPath();
        ctx.arc(x, y, 14, 0, 2 * Math.PI);
        ctx.fillStyle = dir === 'ambiguous' ? '#ffffff' : '#1a1a1a';
        ctx.fill();
        ctx.lineWidth = 2;
        ctx.strokeStyle = '#1a1a1a';
        ctx.stroke();
        ctx.fillStyle = dir === 'ambiguous' ? '#1a1a1a' : '#ffffff';
        ctx.font = 'bold 15px ' + data.font;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(marks[dir], x, y + 1);
      });
    }
    ctx.restore();
  });

  // links that rest on a user's extension carry a dark citation tag, "[1]", beside their sign;
  // it goes at the first spot along the link that covers no concept (positions are fixed, so once)
  var markSpots = {};
  function edgePoint(eid, t) {
    var edge = network.body && network.body.edges[eid];
    if (edge && edge.edgeType && edge.edgeType.getPoint) return edge.edgeType.getPoint(t);
    var e = base.edges[eid], pos = network.getPositions([e.from, e.to]);
    return { x: pos[e.from].x + (pos[e.to].x - pos[e.from].x) * t, y: pos[e.from].y + (pos[e.to].y - pos[e.from].y) * t };
  }
  var obstacles = null;
  function markSpot(eid, w, hgt) {
    if (markSpots[eid]) return markSpots[eid];
    if (!obstacles) {  // every concept's box and every sign (at its link's midpoint)
      obstacles = data.nodes.map(function (n) { var b = network.getBoundingBox(n.id); return { l: b.left, r: b.right, t: b.top, b: b.bottom }; });
      data.edges.forEach(function (e) {
        if (!edgeInfo[e.id]) return;
        var p = edgePoint(e.id, 0.5);
        obstacles.push({ l: p.x - 13, r: p.x + 13, t: p.y - 17, b: p.y + 17 });
      });
    }
    function covered(x, y) {  // how much of the concepts and signs a mark here would cover
      return obstacles.reduce(function (sum, o) {
        var dx = Math.min(x + w / 2 + 3, o.r) - Math.max(x - w / 2 - 3, o.l), dy = Math.min(y + hgt / 2 + 3, o.b) - Math.max(y - hgt / 2 - 3, o.t);
        return sum + (dx > 0 && dy > 0 ? dx * dy : 0);
      }, 0);
    }
    // right of the sign, left of it, above, below, then further along the link
    var m = edgePoint(eid, 0.5);
    var spots = [{ x: m.x + 16 + w / 2, y: m.y }, { x: m.x - 16 - w / 2, y: m.y }, { x: m.x, y: m.y - 34 }, { x: m.x, y: m.y + 34 }];
    [0.35, 0.65, 0.25, 0.75].forEach(function (t) { spots.push(edgePoint(eid, t)); });
    var spot = spots[0], least = Infinity;
    spots.some(function (p) { var c = covered(p.x, p.y); if (c < least) { least = c; spot = p; } return c === 0; });
    spot = { x: spot.x, y: spot.y, w: w, h: hgt };
    markSpots[eid] = spot;
    return spot;
  }
  function drawMarks(ctx) {
    var h = state.highlight;
    ctx.font = 'bold 24px ' + data.font;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    data.edges.forEach(function (e) {
      var ei = edgeInfo[e.id];
      if (!ei || !ei.mark || edgeHidden(e.id)) return;
      var w = ctx.measureText(ei.mark).width + 12, hgt = 30;
      var p = markSpot(e.id, w, hgt);
      ctx.globalAlpha = h && !h.edges.has(e.id) ? 0.2 : 1;
      ctx.fillStyle = data.mark.fill;
      ctx.beginPath();
      if (ctx.roundRect) ctx.roundRect(p.x - w / 2, p.y - hgt / 2, w, hgt, 6); else ctx.rect(p.x - w / 2, p.y - hgt / 2, w, hgt);
      ctx.fill();
      ctx.fillStyle = data.mark.text;
      ctx.fillText(ei.mark, p.x, p.y + 1);
    });
    ctx.globalAlpha = 1;
  }

  // --- evidence filter -------------------------------------------------
  function setMinRank(rank, quiet) {
    state.minRank = rank;
    var select = $('ag-grade');
    if (select) select.value = String(rank);
    applyView();
    if (!quiet) fitVisible();
    network.redraw();
  }
  // asking for something the filter hides (a search hit, a loop, a story step) lowers the filter
  function revealRank(rank) { if (rank !== undefined && rank < state.minRank) setMinRank(rank, true); }
  if ($('ag-grade')) {
    $('ag-grade').value = String(state.minRank);
    $('ag-grade').addEventListener('change', function (ev) { setMinRank(parseInt(ev.target.value, 10)); });
  }

  // --- details panel ----------------------------------------------------
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function field(dl, term, value) {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el('dt', term));
    var dd = el('dd');
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = Array.isArray(value) ? value.join(', ') : value;
    dl.appendChild(dd);
  }
  function signBadge(sign) {
    var s = el('span', sign > 0 ? '+' : '\u2212', 'sign ' + (sign > 0 ? 'pos' : 'neg'));
    s.setAttribute('aria-hidden', 'true');
    return s;
  }
  function linkList(ids, direction) {
    var ul = el('ul', null, 'link-list');
    ids.forEach(function (eid) {
      var e = base.edges[eid], ei = edgeInfo[eid];
      var other = direction === 'out' ? e.to : e.from;
      var li = el('li');
      if (!ei) {  // a level of care's "includes" link: no sign and no evidence; go to the concept
        li.appendChild(el('span', '\u00b7', 'glyph'));
        var c = el('button', (direction === 'out' ? 'includes ' : 'included in ') + info[other].label);
        c.type = 'button';
        c.addEventListener('click', function () { selectNode(other, true); });
        li.appendChild(c);
        ul.appendChild(li);
        return;
      }
      var glyph = el('span', ei.sign > 0 ? '+' : '\u2212', 'glyph ' + (ei.sign > 0 ? 'pos' : 'neg'));
      glyph.setAttribute('aria-label', ei.word);
      li.appendChild(glyph);
      var b = el('button', info[other].label);
      b.type = 'button';
      b.addEventListener('click', function () { selectEdge(eid, true); });
      li.appendChild(b);
      if (ei.mark) li.appendChild(el('span', ei.mark, 'mark'));
      ul.appendChild(li);
    });
    return ul;
  }
  function panel(title, subtitle) {
    var body = $('ag-details-body');
    body.textContent = '';
    var h = el('h3', title);
    body.appendChild(h);
    if (subtitle) body.appendChild(el('p', subtitle, 'hint'));
    return body;
  }
  function showNode(id) {
    var n = info[id];
    var body = panel(n.label, n.category + ' \u00b7 ' + n.stage);
    if (n.extension) body.appendChild(el('p', 'A concept added by your extension, not one of the source article.', 'hint'));
    var dl = el('dl');
    field(dl, 'In plain words', n.informal);
    field(dl, 'Definition', n.definition);
    field(dl, 'Also called', n.synonyms);
    var code = el('code', n.iri);
    field(dl, 'IRI', code);
    body.appendChild(dl);
    var outs = outLinks[id].filter(function (e) { return !edgeHidden(e); });
    var ins = inLinks[id].filter(function (e) { return !edgeHidden(e); });
    if (outs.length) { body.appendChild(el('h2', 'It affects (' + outs.length + ')')); body.appendChild(linkList(outs, 'out')); }
    if (ins.length) { body.appendChild(el('h2', 'Affected by (' + ins.length + ')')); body.appendChild(linkList(ins, 'in')); }
    if (loopsOf[id]) { body.appendChild(el('h2', 'In loops')); body.appendChild(el('p', loopsOf[id].join(', '))); }
    var wi = data.whatif[id];
    if (wi) {
      body.appendChild(el('h2', 'What if?'));
      var row = el('div', null, 'row');
      [['up', 'It goes up'], ['down', 'It goes down']].forEach(function (pair) {
        var b = el('button', pair[1]);
        b.type = 'button';
        b.setAttribute('aria-pressed', String(!!(state.whatif && state.whatif.node === id && state.whatif.dir === pair[0])));
        b.addEventListener('click', function () { runWhatIf(id, pair[0]); });
        row.appendChild(b);
      });
      body.appendChild(row);
      if (state.whatif && state.whatif.node === id) body.appendChild(whatIfList());
    }
  }
  function showEdge(eid) {
    var e = base.edges[eid], ei = edgeInfo[eid];
    var body = panel(info[e.from].label + ' \u2192 ' + info[e.to].label);
    var p = el('p');
    p.appendChild(signBadge(ei.sign));
    p.appendChild(document.createTextNode(' ' + info[e.from].label + ' ' + ei.word + ' ' + info[e.to].label));
    body.appendChild(p);
    if (ei.extension) {
      var note = el('p', null, 'ext-note');
      note.appendChild(el('span', ei.mark || '[ ]', 'mark'));
      note.appendChild(el('span', 'From your extension: a claim of the work below, not of the source article.'));
      body.appendChild(note);
    }
    var dl = el('dl');
    field(dl, ei.extension ? 'Paraphrase' : 'In our words', ei.paraphrase);
    field(dl, 'Mechanism', ei.mechanism);
    field(dl, 'Life phase', ei.phase);
    field(dl, 'Evidence', ei.grade ? ei.grade + ' (rank ' + ei.rank + ')' : null);
    field(dl, 'Where in the source', ei.locators);
    field(dl, 'Source', ei.source);
    field(dl, 'DOI', ei.doi ? el('code', ei.doi) : null);
    if (ei.contested) field(dl, 'Note', 'Several claims link these concepts with opposite signs; the best-graded one is shown.');
    if (ei.evidence.length) {
      var all = el('ul', null, 'evidence');
      ei.evidence.forEach(function (c) {
        var li = el('li');
        li.appendChild(el('span', c.sign > 0 ? '+ ' : '\u2212 ', 'glyph ' + (c.sign > 0 ? 'pos' : 'neg')));
        if (c.mark) { li.appendChild(el('span', c.mark, 'mark')); li.appendChild(document.createTextNode(' ')); }
        li.appendChild(document.createTextNode([c.grade + ' (rank ' + c.rank + ')', c.locators.join(', '), c.source, c.doi].filter(Boolean).join('; ')));
        all.appendChild(li);
      });
      field(dl, 'Every claim on this link', all);
    }
    field(dl, 'Claim', ei.claims.length ? el('code', ei.claims.join(' ')) : null);
    body.appendChild(dl);
  }
  function showLoop(loop) {
    var body = panel(loop.id + ': ' + loop.polarity + ' loop');
    body.appendChild(el('p', loop.name + ' \u2192 back to the start.'));
    body.appendChild(el('p', loop.polarity === 'reinforcing'
      ? 'The signs around the loop multiply to +: each turn pushes the same way, so a change keeps growing.'
      : 'The signs around the loop multiply to \u2212: the loop pushes back against change.'));
    var dl = el('dl');
    var links = el('ul', null, 'link-list');
    loop.edges.forEach(function (eid) {
      var e = base.edges[eid], ei = edgeInfo[eid];
      var li = el('li');
      var glyph = el('span', ei.sign > 0 ? '+' : '\u2212', 'glyph ' + (ei.sign > 0 ? 'pos' : 'neg'));
      glyph.setAttribute('aria-label', ei.word);
      li.appendChild(glyph);
      var b = el('button', info[e.from].label + ' \u2192 ' + info[e.to].label);
      b.type = 'button';
      b.addEventListener('click', function () { selectEdge(eid, true); });
      li.appendChild(b);
      links.appendChild(li);
    });
    field(dl, 'Links', links);
    field(dl, 'Weakened by', loop.weakenedBy);
    body.appendChild(dl);
  }
  function whatIfList() {
    var wi = state.whatif;
    var names = { up: 'goes up \u25b2', down: 'goes down \u25bc', ambiguous: 'paths disagree ?' };
    var wrap = el('div');
    wrap.appendChild(el('p', 'If ' + info[wi.node].label + ' goes ' + wi.dir + ', following every path of up to ' + data.whatifLength + ' links:'));
    var ul = el('ul', null, 'whatif');
    Object.keys(wi.effects).forEach(function (id) {
      if (isHidden(id)) return;
      ul.appendChild(el('li', info[id].label + ' ' + names[wi.effects[id]]));
    });
    if (wi.feedback) ul.appendChild(el('li', 'Feedback on ' + info[wi.node].label + ' itself: ' + names[wi.feedback]));
    wrap.appendChild(ul);
    return wrap;
  }
  function runWhatIf(id, dir) {
    var effects = {}, flip = dir === 'down';
    (data.whatif[id] || []).forEach(function (pair) {
      var d = pair[1];
      if (flip && d !== 'ambiguous') d = d === 'up' ? 'down' : 'up';
      effects[pair[0]] = d;
    });
    var fb = data.whatifFeedback[id] || null;
    if (fb && flip && fb !== 'ambiguous') fb = fb === 'up' ? 'down' : 'up';
    state.whatif = { node: id, dir: dir, effects: effects, feedback: fb };
    showNode(id);
    network.redraw();
  }

  // --- selection and highlighting --------------------------------------
  function selectNode(id, move) {
    if (!info[id]) return;
    if (gradeHidesNode(id)) revealRank(nodeMaxRank[id]);
    if (gradeHidesNode(id)) revealRank(data.minGrade);  // its strong links lead only into the hidden treatment layer
    if (isHidden(id)) { state.focus = null; if (overlayNodes.has(id)) state.overlay = true; applyView(); }
    state.selected = { kind: 'node', id: id };
    state.linkCursor = null;
    network.selectNodes([id], false);
    showNode(id);
    if (move) network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: anim(450) });
  }
  function selectEdge(eid, move) {
    var e = base.edges[eid];
    if (gradeHidesEdge(eid)) revealRank(edgeInfo[eid].rank);
    if (isHidden(e.from) || isHidden(e.to)) { state.focus = null; state.overlay = true; applyView(); }
    state.selected = { kind: 'edge', id: eid };
    network.setSelection({ nodes: [], edges: [eid] }, { unselectAll: true, highlightEdges: false });
    showEdge(eid);
    if (move) network.fit({ nodes: [e.from, e.to], animation: anim(450) });
  }
  function clearHighlight() {
    state.highlight = null;
    state.whatif = null;
    document.querySelectorAll('#ag-loops button').forEach(function (b) { b.setAttribute('aria-pressed', 'false'); });
    applyView();
  }
  function highlightLoop(loop, button) {
    var already = button.getAttribute('aria-pressed') === 'true';
    if (state.story >= 0) endStory();
    clearHighlight();
    if (already) { fitVisible(); return; }
    button.setAttribute('aria-pressed', 'true');
    revealRank(Math.min.apply(null, loop.edges.map(function (eid) { return edgeInfo[eid].rank; })));
    state.highlight = { nodes: new Set(loop.nodes), edges: new Set(loop.edges), current: new Set(loop.edges) };
    if (loop.nodes.some(function (n) { return overlayNodes.has(n); })) state.overlay = true;
    state.focus = null;
    applyView();
    showLoop(loop);
    network.fit({ nodes: loop.nodes, animation: anim(500) });
  }

  network.on('click', function (params) {
    if (params.nodes.length) selectNode(params.nodes[0], false);
    else if (params.edges.length) selectEdge(params.edges[0], false);
    else { state.selected = null; }
  });

  // --- focus ------------------------------------------------------------
  function neighbourhood(id, steps) {
    var seen = new Set([id]);
    [['out', 'to'], ['in', 'from']].forEach(function (dir) {
      var frontier = [id];
      for (var s = 0; s < steps; s++) {
        var next = [];
        frontier.forEach(function (n) {
          (dir[0] === 'out' ? outLinks[n] : inLinks[n]).forEach(function (eid) {
            if (gradeHidesEdge(eid)) return;
            var m = base.edges[eid][dir[1]];
            if (!seen.has(m)) { seen.add(m); next.push(m); }
          });
        });
        frontier = next;
      }
    });
    return seen;
  }
  function focusSelected() {
    var id = state.selected && state.selected.kind === 'node' ? state.selected.id : null;
    if (!id) { $('ag-focus-status').textContent = 'Select a concept first, then press Focus.'; return; }
    var steps = parseInt($('ag-steps').value, 10);
    state.focus = neighbourhood(id, steps);
    if (overlayNodes.has(id)) state.overlay = true;
    applyView();
    $('ag-focus-status').textContent = 'Showing ' + info[id].label + ' and ' + (state.focus.size - 1) + ' concepts within ' + steps + ' step' + (steps > 1 ? 's' : '') + '.';
    fitVisible();
    showNode(id);
  }
  function showAll() {
    state.focus = null;
    if (state.minRank > data.minGrade) setMinRank(data.minGrade, true);
    $('ag-focus-status').textContent = '';
    if (state.story >= 0) endStory();
    clearHighlight();
    fitVisible();
  }

  // --- overlay ----------------------------------------------------------
  function toggleOverlay(on) {
    state.overlay = on === undefined ? !state.overlay : on;
    applyView();
    fitVisible();
  }
  (function buildRanking() {
    var ol = $('ag-ranking');
    data.overlay.ranking.forEach(function (r) {
      var li = el('li');
      var b = el('button', r.rank + '. ' + r.label);
      b.type = 'button';
      b.className = 'link';
      b.addEventListener('click', function () { selectNode(r.id, true); });
      li.appendChild(b);
      li.appendChild(el('div', r.summary, 'hint'));
      ol.appendChild(li);
    });
  })();

  // --- loops list -------------------------------------------------------
  (function buildLoops() {
    var ul = $('ag-loops');
    data.loops.forEach(function (loop) {
      var li = el('li');
      var b = el('button');
      b.type = 'button';
      b.setAttribute('aria-pressed', 'false');
      b.dataset.loop = loop.id;
      b.appendChild(el('span', loop.id, 'badge' + (loop.polarity === 'balancing' ? ' B' : '')));
      b.appendChild(el('span', loop.polarity + ': ' + loop.name));
      b.addEventListener('click', function () { highlightLoop(loop, b); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    $('ag-no-loops').hidden = data.loops.length > 0;
  })();

  // --- story ------------------------------------------------------------
  function storyGo(i) {
    var steps = data.story;
    if (!steps.length) return;
    i = Math.max(0, Math.min(steps.length - 1, i));
    state.story = i;
    var seenN = new Set(), seenE = new Set();
    for (var k = 0; k <= i; k++) { steps[k].nodes.forEach(function (n) { seenN.add(n); }); steps[k].edges.forEach(function (e) { seenE.add(e); }); }
    var step = steps[i];
    if (step.nodes.some(function (n) { return overlayNodes.has(n); })) state.overlay = true;
    seenE.forEach(function (eid) { if (edgeInfo[eid]) revealRank(edgeInfo[eid].rank); });
    state.focus = null;
    state.highlight = { nodes: seenN, edges: seenE, current: new Set(step.edges) };
    applyView();
    if ($('ag-caption').hidden) { $('ag-caption').hidden = false; resized(); }
    $('ag-step-count').textContent = 'Step ' + (i + 1) + ' of ' + steps.length;
    $('ag-step-title').textContent = step.title;
    $('ag-step-text').textContent = step.caption;
    $('ag-back').disabled = i === 0;
    $('ag-next').disabled = i === steps.length - 1;
    $('ag-story').setAttribute('aria-pressed', 'true');
    $('ag-story').textContent = 'Restart story';
    network.fit({ nodes: Array.from(seenN.size > 8 ? new Set(step.nodes) : seenN), animation: anim(600) });
  }
  function endStory() {
    state.story = -1;
    $('ag-caption').hidden = true;
    resized();
    $('ag-story').setAttribute('aria-pressed', 'false');
    $('ag-story').textContent = 'Start story';
    clearHighlight();
  }
  if (!data.story.length) { $('ag-story').disabled = true; $('ag-story-hint').textContent = 'This view has no story; make one with --path A B.'; }
  else $('ag-story-hint').textContent = data.story.length + ' steps. Next / Back with N and B.';

  // --- search -----------------------------------------------------------
  function norm(s) {
    return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[-_\u2013\u2014/]/g, ' ').replace(/\s+/g, ' ').trim();
  }
  var names = data.search.map(function (entry) { return { key: norm(entry[0]), name: entry[0], id: entry[1] }; });
  var results = [], active = -1;
  function search(text) {
    var q = norm(text);
    var found = [], seen = new Set();
    if (q) {
      var ranked = names.filter(function (n) { return n.key.indexOf(q) >= 0; }).sort(function (a, b) {
        var sa = a.key === q ? 0 : a.key.indexOf(q) === 0 ? 1 : 2, sb = b.key === q ? 0 : b.key.indexOf(q) === 0 ? 1 : 2;
        return sa - sb || a.key.length - b.key.length || (a.key < b.key ? -1 : 1);
      });
      ranked.forEach(function (n) { if (!seen.has(n.id) && found.length < 8) { seen.add(n.id); found.push(n); } });
    }
    return found;
  }
  function renderResults() {
    var ul = $('ag-results');
    ul.textContent = '';
    results.forEach(function (r, i) {
      var li = el('li');
      li.id = 'ag-result-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === active));
      li.appendChild(el('span', info[r.id].label));
      if (norm(info[r.id].label) !== r.key) li.appendChild(el('span', ' (' + r.name + ')', 'syn'));
      li.addEventListener('mousedown', function (ev) { ev.preventDefault(); pick(i); });
      ul.appendChild(li);
    });
    ul.hidden = !results.length;
    $('ag-search').setAttribute('aria-expanded', String(!!results.length));
    if (active >= 0) $('ag-search').setAttribute('aria-activedescendant', 'ag-result-' + active); else $('ag-search').removeAttribute('aria-activedescendant');
  }
  function pick(i) {
    var r = results[i];
    if (!r) return;
    results = []; active = -1; renderResults();
    $('ag-search').value = info[r.id].label;
    selectNode(r.id, true);
  }
  $('ag-search').addEventListener('input', function (ev) { results = search(ev.target.value); active = results.length ? 0 : -1; renderResults(); });
  $('ag-search').addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown') { active = Math.min(results.length - 1, active + 1); renderResults(); ev.preventDefault(); }
    else if (ev.key === 'ArrowUp') { active = Math.max(0, active - 1); renderResults(); ev.preventDefault(); }
    else if (ev.key === 'Enter') { pick(active >= 0 ? active : 0); ev.preventDefault(); }
    else if (ev.key === 'Escape') { results = []; active = -1; renderResults(); }
    ev.stopPropagation();
  });
  $('ag-search').addEventListener('blur', function () { results = []; active = -1; renderResults(); });

  // --- keyboard on the map ---------------------------------------------
  function current() { return state.selected && state.selected.kind === 'node' ? state.selected.id : null; }
  function moveSpatial(key) {
    var pos = network.getPositions(visibleIds());
    var ids = Object.keys(pos);
    if (!ids.length) return;
    var id = current();
    if (!id || !pos[id]) {
      ids.sort(function (a, b) { return pos[a].x - pos[b].x || pos[a].y - pos[b].y; });
      selectNode(ids[0], true);
      return;
    }
    var p = pos[id], best = null, bestScore = Infinity;
    ids.forEach(function (o) {
      if (o === id) return;
      var dx = pos[o].x - p.x, dy = pos[o].y - p.y, score;
      if (key === 'ArrowRight' && dx > 20) score = dx + 3 * Math.abs(dy);
      else if (key === 'ArrowLeft' && dx < -20) score = -dx + 3 * Math.abs(dy);
      else if (key === 'ArrowDown' && dy > 10) score = dy + 3 * Math.abs(dx);
      else if (key === 'ArrowUp' && dy < -10) score = -dy + 3 * Math.abs(dx);
      else return;
      if (score < bestScore) { bestScore = score; best = o; }
    });
    if (best) selectNode(best, true);
  }
  function stepLinks(dir) {
    var id = current() || (state.linkCursor && state.linkCursor.node);
    if (!id) return;
    var list = (dir === 'out' ? outLinks[id] : inLinks[id]).filter(function (eid) { return edgeInfo[eid] && !edgeHidden(eid); });
    if (!list.length) return;
    var cur = state.linkCursor && state.linkCursor.node === id && state.linkCursor.dir === dir ? state.linkCursor.index + 1 : 0;
    var index = cur % list.length;
    selectEdge(list[index], true);
    state.linkCursor = { node: id, dir: dir, index: index, edge: list[index] };
  }
  function follow() {
    if (state.selected && state.selected.kind === 'edge') {
      var e = base.edges[state.selected.id];
      var dir = state.linkCursor ? state.linkCursor.dir : 'out';
      selectNode(dir === 'in' ? e.from : e.to, true);
    } else if (current()) showNode(current());
  }
  function zoom(f) { network.moveTo({ scale: network.getScale() * f, animation: anim(200) }); }

  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA') ) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var onMap = t === container || container.contains(t);
    var k = ev.key;
    var handled = true;
    if (k === '/') { $('ag-search').focus(); }
    else if (k === 'n' || k === 'N' || k === 'PageDown') { if (state.story >= 0) storyGo(state.story + 1); else handled = false; }
    else if (k === 'b' || k === 'B' || k === 'PageUp') { if (state.story >= 0) storyGo(state.story - 1); else handled = false; }
    else if (k === 's' || k === 'S') { if (data.story.length) storyGo(0); }
    else if (k === 't' || k === 'T') { toggleOverlay(); }
    else if (k === 'f' || k === 'F') { focusSelected(); }
    else if (k === 'a' || k === 'A') { showAll(); }
    else if (k === 'p' || k === 'P') { document.body.classList.toggle('present'); setTimeout(function () { resized(); fitVisible(0); }, 50); }
    else if (k === 'Escape') { if (state.story >= 0) endStory(); else clearHighlight(); network.unselectAll(); state.selected = null; }
    else if (onMap && (k === 'ArrowRight' || k === 'ArrowLeft' || k === 'ArrowUp' || k === 'ArrowDown')) { moveSpatial(k); }
    else if (onMap && (k === 'o' || k === 'O')) { stepLinks('out'); }
    else if (onMap && (k === 'i' || k === 'I')) { stepLinks('in'); }
    else if (onMap && k === 'Enter') { follow(); }
    else if (onMap && (k === '+' || k === '=')) { zoom(1.25); }
    else if (onMap && (k === '-' || k === '_')) { zoom(0.8); }
    else if (onMap && k === '0') { fitVisible(); }
    else handled = false;
    if (handled) ev.preventDefault();
  });
  container.addEventListener('focus', function () { if (!state.selected) moveSpatial('ArrowRight'); });

  // --- buttons ----------------------------------------------------------
  $('ag-focus').addEventListener('click', focusSelected);
  $('ag-all').addEventListener('click', showAll);
  $('ag-overlay').addEventListener('click', function () { toggleOverlay(); });
  $('ag-story').addEventListener('click', function () { storyGo(0); });
  $('ag-next').addEventListener('click', function () { storyGo(state.story + 1); });
  $('ag-back').addEventListener('click', function () { storyGo(state.story - 1); });
  $('ag-story-end').addEventListener('click', endStory);
  $('ag-zoom-in').addEventListener('click', function () { zoom(1.25); });
  $('ag-zoom-out').addEventListener('click', function () { zoom(0.8); });
  $('ag-fit').addEventListener('click', function () { fitVisible(); });
  document.querySelectorAll('[data-show]').forEach(function (b) {
    b.addEventListener('click', function () { container.focus({ preventScroll: true }); window.scrollTo(0, 0); selectNode(b.getAttribute('data-show'), true); });
  });
  window.addEventListener('beforeprint', function () { network.redraw(); });

  // --- start ------------------------------------------------------------
  applyView();
  network.once('afterDrawing', function () { document.body.setAttribute('data-ready', 'true'); });
  fitVisible(0);
  if (data.initialFocus) {
    state.selected = { kind: 'node', id: data.initialFocus };
    network.selectNodes([data.initialFocus], false);
    showNode(data.initialFocus);
  }
  if (data.storyStart && data.story.length) storyGo(0);

  // the page's API, for notebooks and tests
  window.attachgraphMap = {
    network: network, nodes: nodes, edges: edges, data: data, state: state,
    selectNode: selectNode, selectEdge: selectEdge, focus: focusSelected, showAll: showAll, toggleOverlay: toggleOverlay,
    story: storyGo, endStory: endStory, search: search, whatIf: runWhatIf, setMinGrade: setMinRank, markSpots: markSpots,
    highlightLoop: function (id) { var b = document.querySelector('#ag-loops button[data-loop="' + id + '"]'); var l = data.loops.filter(function (x) { return x.id === id; })[0]; if (b && l) highlightLoop(l, b); }
  };
})();
