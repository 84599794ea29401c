/* report_treemap.js - the picture: a squarified treemap (Bruls, Huizing,
 * van Wijk; our own code) of categories then mappings, drawn on a canvas,
 * coloured by category or by growth, and what the pointer is on. */
/* items: [{v: value > 0, ...}] sorted by v descending; sets x, y, w, h. */
function squarify(items, x, y, w, h) {
	var total = 0, i;
	for (i = 0; i < items.length; i++) total += items[i].v;
	if (total <= 0 || w <= 0 || h <= 0) return;
	var scale = w * h / total, start = 0;
	while (start < items.length) {
		var side = Math.min(w, h), sum = 0, best = Infinity, end = start;
		var min = Infinity, max = 0;
		while (end < items.length) {
			var a = items[end].v * scale;
			var s2 = sum + a, mn = Math.min(min, a), mx = Math.max(max, a);
			var worst = Math.max(side * side * mx / (s2 * s2), s2 * s2 / (side * side * mn));
			if (worst > best) break;
			best = worst; sum = s2; min = mn; max = mx; end++;
		}
		var thick = sum / side, pos = 0;
		for (i = start; i < end; i++) {
			var len = items[i].v * scale / thick, it = items[i];
			if (w >= h) { it.x = x; it.y = y + pos; it.w = thick; it.h = len; }
			else { it.x = x + pos; it.y = y; it.w = len; it.h = thick; }
			pos += len;
		}
		if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
		start = end;
	}
}
function byValue(a, b) { return b.v - a.v; }

/* Categories into the whole area, then each category's mappings into its
 * rectangle below a label strip. */
function layout(items, value, W, H) {
	var cats = {}, list = [];
	items.forEach(function (it) {
		var v = value(it);
		if (!(v > 0)) return;
		var k = it.cur.category || 'kernel';
		if (!cats[k]) list.push(cats[k] = {cat: k, v: 0, leaves: []});
		cats[k].v += v;
		cats[k].leaves.push({v: v, item: it});
	});
	list.sort(byValue);
	squarify(list, 0, 0, W, H);
	var leaves = [];
	list.forEach(function (c) {
		var top = c.h > 40 && c.w > 60 ? 16 : 0, pad = c.w > 8 && c.h > 8 ? 2 : 0;
		c.leaves.sort(byValue);
		squarify(c.leaves, c.x + pad, c.y + pad + top, c.w - 2 * pad, c.h - 2 * pad - top);
		c.labelled = top > 0;
		for (var i = 0; i < c.leaves.length; i++) leaves.push(c.leaves[i]);
	});
	return {cats: list, leaves: leaves};
}

/* ---- colours ---- */
function mix(c1, c2, t) {
	var a = parseInt(c1.slice(1), 16), b = parseInt(c2.slice(1), 16), out = 0;
	for (var sh = 16; sh >= 0; sh -= 8) {
		var x = (a >> sh) & 255, y = (b >> sh) & 255;
		out |= Math.round(x + (y - x) * t) << sh;
	}
	return '#' + ('00000' + out.toString(16)).slice(-6);
}
var CHANGE_COLOR = {appeared: '#ff6f00', vanished: '#9e9e9e', same: '#e0e0e0'};
function growthColor(it, metric) {
	if (it.change === 'appeared' || it.change === 'vanished') return CHANGE_COLOR[it.change];
	var a = it.a ? cv(it.a.c, metric) || 0 : 0, b = it.b ? cv(it.b.c, metric) || 0 : 0;
	var big = Math.max(a, b);
	if (!big || a === b) return CHANGE_COLOR.same;
	var t = Math.min(1, 0.25 + 0.75 * Math.abs(b - a) / big);
	return b > a ? mix('#f6d2ce', '#b71c1c', t) : mix('#cfe0f1', '#08519c', t);
}

function hitTest(ev) {
	if (!S.geo) return null;
	var r = ev.target.getBoundingClientRect(), x = ev.clientX - r.left, y = ev.clientY - r.top;
	var L = S.geo.leaves;
	for (var i = 0; i < L.length; i++) {
		var l = L[i];
		if (x >= l.x && x < l.x + l.w && y >= l.y && y < l.y + l.h) return l.item;
	}
	return null;
}
function drawTreemap() {
	var cv = document.getElementById('treemap');
	var W = Math.max(400, Math.min(1100, document.documentElement.clientWidth - 480)), H = 520;
	var dpr = window.devicePixelRatio || 1;
	cv.width = Math.round(W * dpr); cv.height = Math.round(H * dpr);
	cv.style.width = W + 'px'; cv.style.height = H + 'px';
	var g = cv.getContext('2d');
	g.setTransform(dpr, 0, 0, dpr, 0, 0);
	g.fillStyle = '#ffffff'; g.fillRect(0, 0, W, H);
	S.geo = layout(S.items, itemValue, W, H);
	var diff = diffMode(), metric = S.metric;
	S.geo.cats.forEach(function (c) {
		g.fillStyle = diff ? '#f4f4f4' : mix(COLOR[c.cat] || '#777777', '#000000', 0.35);
		g.fillRect(c.x, c.y, c.w, c.h);
	});
	S.geo.leaves.forEach(function (l) {
		g.fillStyle = diff ? growthColor(l.item, metric) : COLOR[l.item.cur.category] || '#777777';
		if (l.w >= 3 && l.h >= 3) g.fillRect(l.x + 0.5, l.y + 0.5, l.w - 1, l.h - 1);
		else g.fillRect(l.x, l.y, l.w, l.h);
	});
	leafLabels(g, diff, metric);
	g.strokeStyle = '#ffffff'; g.lineWidth = 2;
	g.font = 'bold 12px sans-serif'; g.textBaseline = 'top';
	S.geo.cats.forEach(function (c) {
		g.strokeRect(c.x, c.y, c.w, c.h);
		if (!c.labelled) return;
		g.fillStyle = diff ? '#222222' : '#ffffff';
		g.fillText(c.cat + ' ' + human(c.v), c.x + 5, c.y + 3, c.w - 10);
	});
	if (!S.geo.leaves.length) {
		g.fillStyle = '#777777'; g.font = '14px sans-serif';
		g.fillText('nothing resident (' + metric + ' is 0 everywhere)', 20, 20);
	}
	if (S.sel) outline(g, S.sel);
}
/* The name and size of each mapping large enough to hold them. */
function leafLabels(g, diff, metric) {
	g.font = '11px sans-serif'; g.textBaseline = 'top';
	S.geo.leaves.forEach(function (l) {
		if (l.w < 70 || l.h < 16) return;
		var m = l.item.cur, name = showName(m.name), slash = name.lastIndexOf('/');
		var fill = diff ? growthColor(l.item, metric) : COLOR[m.category] || '#777777';
		g.fillStyle = dark(fill) ? '#ffffff' : '#111111';
		var base = slash >= 0 ? name.slice(slash + 1) : name || '[' + m.category + ']';
		var text = base + ' ' + human(l.v);
		if (g.measureText(text).width > l.w - 8) text = base;   /* never squeezed: left out */
		if (g.measureText(text).width <= l.w - 8) g.fillText(text, l.x + 4, l.y + 3);
	});
}
function dark(hex) {
	var v = parseInt(hex.slice(1), 16);
	return 0.299 * (v >> 16) + 0.587 * ((v >> 8) & 255) + 0.114 * (v & 255) < 150;
}
function outline(g, item) {
	S.geo.leaves.forEach(function (l) {
		if (l.item !== item) return;
		g.strokeStyle = '#000000'; g.lineWidth = 2;
		g.strokeRect(l.x + 1, l.y + 1, Math.max(1, l.w - 2), Math.max(1, l.h - 2));
	});
}
function select(item) {
	S.sel = item;
	drawTreemap();
	showDetails(item);
	var rows = document.querySelectorAll('#maps tbody tr');
	for (var i = 0; i < rows.length; i++)
		rows[i].classList.toggle('sel', !!item && rows[i].getAttribute('data-item') === String(item.id));
}
