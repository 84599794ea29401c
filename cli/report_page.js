/* report_page.js - the page around the picture: identity, findings,
 * categories, the mapping table, one mapping's fields. Every string from
 * the process is data: the DOM is built with createElement and
 * textContent only, never from markup. */
/* ---- the page ---- */
var S = {raw: null, proc: 0, metric: 'rss', items: [], sel: null, hover: null,
	sort: {key: null, dir: -1}, filter: {cat: '', min: 0, name: ''}, shown: PAGE_ROWS, geo: null};

function diffMode() { return !!S.raw.diff; }
function procPair() {
	var snaps = S.raw.snapshots;
	if (!diffMode()) { var p = snaps[0].processes[S.proc]; return {a: null, b: p, dp: null}; }
	var dp = S.raw.diff.processes[S.proc];
	return {a: snaps[0].processes[dp.a], b: snaps[1].processes[dp.b], dp: dp};
}
function itemValue(it) {
	var m = S.metric;
	if (!diffMode()) return cv(it.cur.c, m) || 0;
	return Math.max(it.a ? cv(it.a.c, m) || 0 : 0, it.b ? cv(it.b.c, m) || 0 : 0);
}

function identity(root) {
	var raw = S.raw;
	var pp = procPair(), p = pp.b || pp.a, dl = el('dl', 'ident');
	document.title = 'smapwatch report: ' + showName(p.comm) + ' ' + p.pid + (diffMode() ? ' (A to B)' : '');
	add(root, el('h1', null, 'smapwatch report'));
	function row(k, v, id) {
		var dd = el('dd', null, v);
		if (id) dd.id = id;
		add(dl, el('dt', null, k), dd);
	}
	row('pid', p.pid, 'id-pid');
	row('comm', showName(p.comm), 'id-comm');
	row('command line', showName(p.cmdline), 'id-cmdline');
	row('executable', showName(p.exe), 'id-exe');
	if (p.threads !== undefined) row('threads', p.threads);
	if (p.start_time !== undefined) row('start time (ticks after boot)', p.start_time);
	raw.snapshots.forEach(function (s, i) {
		var tag = raw.snapshots.length > 1 ? (i ? 'B' : 'A') + ' ' : '';
		row(tag + 'taken', (s.time || '?') + (s.label ? '  (' + showName(s.label) + ')' : ''), 'id-time-' + i);
		row(tag + 'kernel', showName(s.kernel), 'id-kernel-' + i);
		if (s.hostname !== undefined) row(tag + 'host', showName(s.hostname));
		if (s.proc_root !== undefined) row(tag + 'proc root', showName(s.proc_root));
		row(tag + 'taken by', showName(s.command), 'id-command-' + i);
	});
	if (raw.diff && raw.diff.seconds !== null && raw.diff.seconds !== undefined)
		row('between the looks', duration(raw.diff.seconds), 'id-seconds');
	row('report made by', showName(raw.command), 'id-report-command');
	if (raw.time) row('report made at', raw.time);
	add(root, dl);
}

/* The findings of the process shown (the others': a count, and the picker). */
function findingsSection(root) {
	var all = (diffMode() ? S.raw.diff.findings : S.raw.findings) || [];
	var pp = procPair(), pid = (pp.b || pp.a).pid;
	var list = all.filter(function (f) { return f.process === undefined || f.process === pid; });
	var sec = add(el('section'), el('h2', null, 'Findings'));
	sec.id = 'findings';
	var others = all.length - list.length;
	if (others) {
		var note = el('p', 'muted', others + ' more for the other processes of this report (pick one above).');
		note.id = 'findings-others';
		add(sec, note);
	}
	if (!list.length) {
		add(sec, el('p', 'muted', 'No suspicious pattern found in this process.'));
		return add(root, sec);
	}
	var ul = el('ul', 'findings');
	list.forEach(function (f) {
		var li = el('li', f.severity === 'warning' ? 'warning' : 'info');
		li.setAttribute('data-id', String(f.id));
		add(li, el('b', null, '[' + (f.severity || 'info') + '] ' + f.id), document.createTextNode(' '),
			el('span', 'text', showName(f.text)));
		if (f.process !== undefined) add(li, el('span', 'muted', ' (pid ' + f.process + ')'));
		if (f.evidence && typeof f.evidence === 'object') {
			var ev = [];
			for (var k in f.evidence) ev.push(k + ': ' + showName(JSON.stringify(f.evidence[k])));
			add(li, el('div', 'ev', ev.join('  \u00b7  ')));
		}
		if (f.next) add(li, el('div', 'next', 'Next: ' + showName(f.next)));
		add(ul, li);
	});
	add(root, add(sec, ul));
}

function processPicker(root) {
	var n = diffMode() ? S.raw.diff.processes.length : S.raw.snapshots[0].processes.length;
	if (n < 2) return;
	var sel = el('select');
	sel.id = 'proc';
	for (var i = 0; i < n; i++) {
		var p = diffMode() ? S.raw.diff.processes[i] : S.raw.snapshots[0].processes[i];
		var o = el('option', null, p.pid + ' ' + showName(p.comm));
		o.value = String(i);
		add(sel, o);
	}
	sel.addEventListener('change', function () { S.proc = Number(sel.value); render(); });
	add(root, add(el('div', 'controls'), el('label', null, 'process: '), sel));
}

function catTable(root) {
	var pp = procPair(), sec = add(el('section'), el('h2', null, 'By category (KiB)'));
	var t = el('table'), thead = el('thead'), tb = el('tbody'), hr = el('tr');
	t.id = 'cats';
	var cols = diffMode()
		? ['category', 'vmas A', 'vmas B', 'Rss A', 'Rss B', '\u0394Rss', 'Pss A', 'Pss B', '\u0394Pss', '\u0394Rss/h', 'Swap B']
		: ['category', 'vmas', 'Size', 'Rss', 'Pss', 'USS', 'Private_Dirty', 'Swap'];
	cols.forEach(function (c, i) { add(hr, el('th', i ? 'num' : null, c)); });
	add(thead, hr);
	var secs = diffMode() && S.raw.diff.has_rate ? S.raw.diff.seconds : null;   /* as diff's rate_per_hour */
	function line(name, a, b) {
		var tr = el('tr');
		tr.setAttribute('data-cat', name);
		add(tr, el('td', null, name));
		function cell(k, v) {
			var td = el('td', 'num', v);
			td.setAttribute('data-f', k);
			add(tr, td);
		}
		if (!diffMode()) {
			['vmas', 'size', 'rss', 'pss', 'uss', 'private_dirty', 'swap'].forEach(function (k) {
				var v = k === 'uss' && b.uss === undefined ? ussKeyed(b) : b[k];
				cell(k, k === 'vmas' ? (v === undefined ? '' : groups(v)) : kib(v));
			});
		} else {
			var d = deltaKeyed(a, b);
			cell('vmas_a', a.vmas === undefined ? '' : groups(a.vmas));
			cell('vmas_b', b.vmas === undefined ? '' : groups(b.vmas));
			cell('rss_a', kib(a.rss)); cell('rss_b', kib(b.rss)); cell('rss_delta', signed(d.rss));
			cell('pss_a', kib(a.pss)); cell('pss_b', kib(b.pss)); cell('pss_delta', signed(d.pss));
			cell('rss_per_hour', secs > 0 && d.rss !== undefined ? signed(Math.round(d.rss * 3600 / secs / 1024) * 1024) : '');
			cell('swap_b', kib(b.swap));
		}
		add(tb, tr);
	}
	var A = pp.a ? pp.a.categories || {} : {}, B = pp.b ? pp.b.categories || {} : {};
	CATS.forEach(function (c) { if (A[c] || B[c]) line(c, A[c] || {}, B[c] || {}); });
	line('total', pp.a ? pp.a.total || {} : {}, pp.b ? pp.b.total || {} : {});
	add(root, add(sec, add(t, thead, tb)));
}

function treemapSection(root) {
	var sec = add(el('section'), el('h2', null, diffMode() ? 'What changed, by category then mapping (area = the larger of A and B)' : 'Memory by category, then by mapping (area = size)'));
	var ctl = el('div', 'controls');
	['rss', 'pss'].forEach(function (m) {
		var lab = el('label'), r = el('input');
		r.type = 'radio'; r.name = 'metric'; r.value = m; r.id = 'metric-' + m;
		r.checked = S.metric === m;
		r.addEventListener('change', function () { S.metric = m; drawTreemap(); fillTable(); });
		add(ctl, add(lab, r, document.createTextNode(' ' + (m === 'rss' ? 'Rss' : 'Pss'))));
	});
	var legend = el('div', 'legend');
	if (diffMode()) {
		[['grew', '#b71c1c'], ['shrank', '#08519c'], ['appeared', CHANGE_COLOR.appeared],
		 ['vanished', CHANGE_COLOR.vanished], ['same', CHANGE_COLOR.same]].forEach(function (x) {
			var s = el('span', x[0] === 'same' ? 'dark' : null, x[0]);
			s.style.background = x[1];
			add(legend, s);
		});
	} else {
		CATS.forEach(function (c) { var s = el('span', null, c); s.style.background = COLOR[c]; add(legend, s); });
	}
	add(ctl, legend);
	var area = el('div', 'map-area'), cv = el('canvas'), det = el('div');
	cv.id = 'treemap'; det.id = 'details';
	add(det, el('p', 'muted', 'Point at a mapping to see its fields; click to keep it.'));
	cv.addEventListener('mousemove', function (ev) {
		var hit = hitTest(ev);
		if (hit !== S.hover) { S.hover = hit; if (!S.sel) showDetails(hit); }
	});
	cv.addEventListener('mouseleave', function () { S.hover = null; if (!S.sel) showDetails(null); });
	cv.addEventListener('click', function (ev) { select(hitTest(ev)); });
	add(root, add(sec, ctl, add(area, cv, det)));
}
/* ---- one mapping's fields ---- */
function showDetails(item) {
	var det = document.getElementById('details');
	while (det.firstChild) det.removeChild(det.firstChild);
	if (!item) { add(det, el('p', 'muted', 'Point at a mapping to see its fields; click to keep it.')); return; }
	var m = item.cur, t = el('table'), tb = el('tbody');
	add(det, el('b', 'mono', m.start + '-' + m.end + ' ' + m.perms), el('div', 'mono', showName(m.name) || '(anonymous)'));
	function row() {
		var tr = el('tr');
		for (var i = 0; i < arguments.length; i++) add(tr, el('td', i ? 'num' : null, arguments[i]));
		add(tb, tr);
	}
	if (item.change) row('change', item.change + (item.match && item.match !== 'none' ? ' (matched by ' + item.match + ')' : ''));
	if (item.pieces && (item.pieces[0] > 1 || item.pieces[1] > 1))
		row('pieces', item.pieces[0] + ' in A, ' + item.pieces[1] + ' in B');
	row('category', m.category); row('offset', m.offset); row('dev', m.dev); row('inode', m.inode);
	row('VmFlags', m.vmflags);
	if (!item.change) {
		row('field', 'KiB');
		F.forEach(function (k, i) { if (m.c[i] !== undefined) row(k, kib(m.c[i])); });
		if (uss(m.c) !== undefined) row('uss', kib(uss(m.c)));
	} else {
		row('field', 'A', 'B', '\u0394');
		F.forEach(function (k, i) {
			if (item.d[i] === undefined) return;
			row(k, item.a ? kib(item.a.c[i]) : '', item.b ? kib(item.b.c[i]) : '', signed(item.d[i]));
		});
	}
	add(det, add(t, tb));
}

/* ---- the mapping table ---- */
function columns() {
	function v(k) { var i = FI[k]; return function (it) { return it.cur.c[i]; }; }
	function dv(k) { var i = FI[k]; return function (it) { return it.d[i]; }; }
	var cols = [];
	if (diffMode()) cols.push({k: 'change', l: 'change', get: function (it) { return it.change; }});
	cols.push({k: 'start', l: 'start', mono: 1, get: function (it) { return it.cur.start; }, hex: 1},
		{k: 'end', l: 'end', mono: 1, get: function (it) { return it.cur.end; }, hex: 1},
		{k: 'perms', l: 'perms', mono: 1, get: function (it) { return it.cur.perms; }},
		{k: 'offset', l: 'offset', mono: 1, get: function (it) { return it.cur.offset; }, hex: 1},
		{k: 'dev', l: 'dev', mono: 1, get: function (it) { return it.cur.dev; }},
		{k: 'inode', l: 'inode', num: 1, raw: 1, get: function (it) { return it.cur.inode; }},
		{k: 'category', l: 'category', get: function (it) { return it.cur.category; }},
		{k: 'name', l: 'name', name: 1, get: function (it) { return showName(it.cur.name); }},
		{k: 'size', l: 'Size', num: 1, get: v('size')},
		{k: 'rss', l: 'Rss', num: 1, get: v('rss')});
	if (diffMode()) cols.push({k: 'rss_delta', l: '\u0394Rss', num: 1, signed: 1, get: dv('rss')});
	cols.push({k: 'pss', l: 'Pss', num: 1, get: v('pss')});
	if (diffMode()) cols.push({k: 'pss_delta', l: '\u0394Pss', num: 1, signed: 1, get: dv('pss')});
	cols.push({k: 'uss', l: 'USS', num: 1, get: function (it) { return uss(it.cur.c); }},
		{k: 'private_dirty', l: 'Private_Dirty', num: 1, get: v('private_dirty')},
		{k: 'swap', l: 'Swap', num: 1, get: v('swap')});
	if (diffMode()) cols.push({k: 'match', l: 'match', get: function (it) { return it.match; }});
	return cols;
}
function cmpValues(a, b, col) {
	var an = a === undefined || a === null, bn = b === undefined || b === null;
	if (an || bn) return an === bn ? 0 : an ? 1 : -1;
	if (col.hex && a.length !== b.length) return a.length - b.length;   /* hex without leading zeros */
	return a < b ? -1 : a > b ? 1 : 0;
}
function visibleItems(cols) {
	var f = S.filter, needle = f.name.toLowerCase();
	var list = S.items.filter(function (it) {
		if (f.cat && it.cur.category !== f.cat) return false;
		if ((cv(it.cur.c, 'size') || 0) < f.min) return false;
		if (needle && showName(it.cur.name).toLowerCase().indexOf(needle) < 0) return false;
		return true;
	});
	var col = null;
	cols.forEach(function (c) { if (c.k === S.sort.key) col = c; });
	if (col) {
		var dir = S.sort.dir, keyed = list.map(function (it) { return {it: it, v: col.get(it)}; });
		keyed.sort(function (x, y) {
			var an = x.v === undefined || x.v === null, bn = y.v === undefined || y.v === null;
			if (an || bn) return an === bn ? x.it.id - y.it.id : an ? 1 : -1;
			return dir * cmpValues(x.v, y.v, col) || x.it.id - y.it.id;
		});
		list = keyed.map(function (x) { return x.it; });
	}
	return list;
}
function tableSection(root) {
	var sec = add(el('section'), el('h2', null, 'Mappings'));
	var ctl = el('div', 'controls'), cat = el('select'), min = el('input'), name = el('input');
	cat.id = 'filter-cat'; min.id = 'filter-size'; name.id = 'filter-name';
	var all = el('option', null, 'all categories'); all.value = ''; add(cat, all);
	CATS.forEach(function (c) { var o = el('option', null, c); o.value = c; add(cat, o); });
	min.placeholder = 'min Size, e.g. 64K, 1M'; min.size = 16;
	name.placeholder = 'name contains'; name.size = 20;
	cat.addEventListener('change', function () { S.filter.cat = cat.value; S.shown = PAGE_ROWS; fillTable(); });
	function onSize() {
		var v = parseSize(min.value);
		min.style.outline = isNaN(v) ? '2px solid #d1495b' : '';
		if (isNaN(v)) return;
		S.filter.min = v; S.shown = PAGE_ROWS; fillTable();
	}
	min.addEventListener('input', onSize); min.addEventListener('change', onSize);
	name.addEventListener('input', function () { S.filter.name = name.value; S.shown = PAGE_ROWS; fillTable(); });
	var summary = el('span', 'muted'); summary.id = 'maps-summary';
	add(ctl, cat, min, name, summary);
	var t = el('table'); t.id = 'maps';
	add(t, el('thead'), el('tbody'));
	var more = el('button', null, 'show more'); more.id = 'maps-more';
	more.addEventListener('click', function () { S.shown += 5 * PAGE_ROWS; fillTable(); });
	more.hidden = true;
	add(root, add(sec, ctl, add(el('div', 'scroll'), t), more));
}
function fillTable() {
	var cols = columns(), t = document.getElementById('maps');
	var thead = t.tHead, tb = t.tBodies[0], hr = el('tr');
	cols.forEach(function (c) {
		var th = el('th', c.num ? 'num' : null, c.l);
		th.setAttribute('data-col', c.k);
		th.tabIndex = 0;
		if (S.sort.key === c.k) th.setAttribute('aria-sort', S.sort.dir > 0 ? 'ascending' : 'descending');
		function sortBy() {
			if (S.sort.key === c.k) S.sort.dir = -S.sort.dir;
			else { S.sort.key = c.k; S.sort.dir = c.num ? -1 : 1; }
			fillTable();
			var again = document.querySelector('#maps th[data-col=' + c.k + ']');
			if (again) again.focus();
		}
		th.addEventListener('click', sortBy);
		th.addEventListener('keydown', function (ev) {
			if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); sortBy(); }
		});
		add(hr, th);
	});
	thead.replaceChildren(hr);
	var list = visibleItems(cols), n = Math.min(list.length, S.shown), frag = document.createDocumentFragment();
	for (var i = 0; i < n; i++) frag.appendChild(tableRow(list[i], cols));
	tb.replaceChildren(frag);
	var sum = 0;
	var mi = FI[S.metric];   /* what is there now: B's (a vanished mapping's is 0) */
	list.forEach(function (it) { sum += it.b ? it.b.c[mi] || 0 : 0; });
	var s = document.getElementById('maps-summary');
	s.textContent = list.length + ' of ' + S.items.length + ' mappings match, ' + n + ' shown; their ' +
		(S.metric === 'rss' ? 'Rss' : 'Pss') + ': ' + kib(sum) + ' KiB';
	s.setAttribute('data-count', String(list.length));
	s.setAttribute('data-sum', String(sum));
	document.getElementById('maps-more').hidden = n >= list.length;
}
function tableRow(it, cols) {
	var tr = el('tr');
	tr.setAttribute('data-item', String(it.id));
	if (S.sel === it) tr.className = 'sel';
	for (var j = 0; j < cols.length; j++) {
		var c = cols[j], v = c.get(it), cls = c.num ? 'num' : c.mono ? 'mono' : c.name ? 'name mono' : null;
		var text = v === undefined || v === null ? '' : c.raw ? String(v) : c.signed ? signed(v) : c.num ? kib(v) : String(v);
		var td = el('td', cls, text);
		if (c.k === 'change') td.className = v === 'grew' || v === 'appeared' ? 'grew' : v === 'shrank' || v === 'vanished' ? 'shrank' : '';
		tr.appendChild(td);
	}
	tr.addEventListener('click', function () { select(it); });
	return tr;
}

/* ---- putting it together ---- */
function render() {
	var root = document.getElementById('sw-root');
	root.replaceChildren();
	var pp = procPair();
	S.items = diffMode() ? diffItems(pp.dp) : singleItems(pp.b);
	S.sel = null; S.hover = null; S.shown = PAGE_ROWS;
	identity(root);
	processPicker(root);
	if (diffMode()) findingsSection(root);
	catTable(root);
	treemapSection(root);
	tableSection(root);
	if (!diffMode()) findingsSection(root);
	drawTreemap();
	fillTable();
}
function main() {
	var root = el('div'); root.id = 'sw-root';
	document.body.appendChild(root);
	try {
		S.raw = load(JSON.parse(document.getElementById('sw-data').textContent));
		S.sort.key = diffMode() ? 'rss_delta' : 'rss';
		render();
	} catch (e) {
		var p = el('p', null, 'This report could not be drawn: ' + e.message);
		p.id = 'error';
		root.appendChild(p);
		console.error('smapwatch report: ' + (e.stack || e));
	}
	document.documentElement.setAttribute('data-render-ms', String(Math.round(performance.now() - T0)));
	document.documentElement.setAttribute('data-ready', '1');
}
main();
