/* report_util.js - the report page's data and text: names shown as text,
 * figures, the embedded JSON (cli/report.h) read into mappings. Part of
 * one script with report_treemap.js and report_page.js (report_page.html
 * wraps them in one function; cli/report.mk puts them in the binary). */
var T0 = performance.now();
var CATS = ['heap', 'stack', 'anon', 'shmem', 'binary', 'libs', 'files', 'kernel'];
var COLOR = {heap: '#d1495b', stack: '#edae49', anon: '#66a182', shmem: '#00798c',
	binary: '#8d6a9f', libs: '#30638e', files: '#a47e3b', kernel: '#7a7a7a'};
var ROW_FIELDS = ['start', 'end', 'perms', 'offset', 'dev', 'inode', 'category', 'name', 'vmflags'];
var PAGE_ROWS = 500;

/* ---- small DOM helpers: text only ---- */
function el(tag, cls, text) {
	var e = document.createElement(tag);
	if (cls) e.className = cls;
	if (text !== undefined && text !== null) e.textContent = String(text);
	return e;
}
function add(parent) {
	for (var i = 1; i < arguments.length; i++)
		if (arguments[i]) parent.appendChild(arguments[i]);
	return parent;
}

/* A name from the JSON holds one char per byte for bytes outside printable
 * ASCII (\u00XX): shown as UTF-8 when it is valid, else byte by byte, and
 * control bytes as \xNN, as the command's text output does. */
function hex2(n) { return (n < 16 ? '0' : '') + n.toString(16); }
function showName(s) {
	if (s === undefined || s === null) return '';
	s = String(s);
	var bytes = new Uint8Array(s.length), wide = false;
	for (var i = 0; i < s.length; i++) {
		var c = s.charCodeAt(i);
		if (c > 255) { wide = true; break; }
		bytes[i] = c;
	}
	var text = s;
	if (!wide) {
		try { text = new TextDecoder('utf-8', {fatal: true}).decode(bytes); }
		catch (e) { text = null; }
	}
	var out = '';
	if (text === null) {
		for (i = 0; i < bytes.length; i++)
			out += bytes[i] >= 0x20 && bytes[i] < 0x7f ? String.fromCharCode(bytes[i]) : '\\x' + hex2(bytes[i]);
		return out;
	}
	for (i = 0; i < text.length; i++) {
		c = text.charCodeAt(i);
		out += c < 0x20 || c === 0x7f ? '\\x' + hex2(c) : text.charAt(i);
	}
	return out;
}

/* ---- numbers ---- */
function groups(n) {
	var neg = n < 0, s = String(Math.abs(n)), out = '';
	var dot = s.indexOf('.'), frac = dot < 0 ? '' : s.slice(dot);
	if (dot >= 0) s = s.slice(0, dot);
	while (s.length > 3) { out = ',' + s.slice(-3) + out; s = s.slice(0, -3); }
	return (neg ? '-' : '') + s + out + frac;
}
/* KiB as the command's tables print them. */
function kib(b) {
	if (b === undefined || b === null) return '';
	var k = b / 1024;
	return groups(Number.isInteger(k) ? k : Math.round(k * 10) / 10);
}
function signed(b) { return b === undefined || b === null ? '' : (b > 0 ? '+' : '') + kib(b); }
function human(b) {
	var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], a = Math.abs(b), i = 0;
	while (a >= 1024 && i < u.length - 1) { a /= 1024; i++; }
	return (b < 0 ? '-' : '') + (i ? a.toFixed(a < 10 ? 2 : 1) : String(a)) + ' ' + u[i];
}
function duration(sec) {
	if (sec < 60) return sec.toFixed(sec < 10 ? 2 : 1) + ' s';
	var m = Math.round(sec / 60), h = Math.floor(m / 60), d = Math.floor(h / 24);
	if (d) return d + ' d ' + (h % 24) + ' h';
	return h ? h + ' h ' + (m % 60) + ' min' : m + ' min';
}
function parseSize(s) {
	var m = /^\s*(\d+)\s*([kmg]?)i?b?\s*$/i.exec(s);
	if (!m) return s.trim() === '' ? 0 : NaN;
	return Number(m[1]) * {'': 1, k: 1024, m: 1048576, g: 1073741824}[m[2].toLowerCase()];
}

/* ---- the data (cli/report.h): snapshots, with mappings as rows ---- */
/* A mapping's counts are an array in the order of F (the report's
 * "fields"): objects keyed by field name are ten times slower to build
 * for 20,000 mappings. cv() reads one by key. */
var F = ['size', 'rss', 'pss', 'pss_dirty', 'pss_anon', 'pss_file', 'pss_shmem', 'shared_clean',
	'shared_dirty', 'private_clean', 'private_dirty', 'referenced', 'anonymous', 'ksm', 'lazy_free',
	'anon_huge_pages', 'shmem_pmd_mapped', 'file_pmd_mapped', 'shared_hugetlb', 'private_hugetlb',
	'swap', 'swap_pss', 'locked'], FI = {}, UNIT = 1;
function cv(c, k) {
	if (!c) return undefined;
	var i = FI[k];
	return i !== undefined ? c[i] : k === 'uss' ? uss(c) : undefined;
}
function uss(c) {
	var pc = c[FI.private_clean], pd = c[FI.private_dirty];
	if (pc === undefined && pd === undefined) return undefined;
	return (pc || 0) + (pd || 0);
}
function mappingFromRow(row) {
	var m = {c: new Array(F.length)}, n = ROW_FIELDS.length;
	for (var i = 0; i < n; i++) m[ROW_FIELDS[i]] = row[i];
	for (i = 0; i < F.length; i++) {
		var v = row[n + i];
		m.c[i] = v === null || v === undefined ? undefined : v * UNIT;
	}
	return m;
}
function mapping(row) { return row ? mappingFromRow(row) : null; }
function load(raw) {
	if (raw.fields) F = raw.fields;
	UNIT = raw.unit || 1;
	FI = {};
	F.forEach(function (k, i) { FI[k] = i; });
	(raw.snapshots || []).forEach(function (s) {
		(s.processes || []).forEach(function (p) { p.maps = (p.maps || []).map(mapping); });
	});
	return raw;
}
/* b - a of two count arrays: undefined where neither has the field. */
function delta(a, b) {
	var d = new Array(F.length);
	for (var i = 0; i < F.length; i++) {
		var x = a ? a[i] : undefined, y = b ? b[i] : undefined;
		d[i] = x === undefined && y === undefined ? undefined : (y || 0) - (x || 0);
	}
	return d;
}
/* The same for two objects keyed by field (a category's sums). */
function deltaKeyed(a, b) {
	var d = {}, k;
	for (k in b) d[k] = b[k] - (a && a[k] !== undefined ? a[k] : 0);
	for (k in a) if (d[k] === undefined) d[k] = -a[k];
	return d;
}

/* The items of one view: one per mapping (one look) or per matched pair
 * (a comparison). cur is what is drawn: b, or a when it vanished. */
function singleItems(p) {
	return p.maps.map(function (m, i) { return {id: i, a: null, b: m, cur: m, change: null, match: null, d: null}; });
}
/* A comparison's rows: [change, match, pieces_a, pieces_b, A, B] with A
 * and B mapping rows or null (split/merged: the union of the pieces), A 0
 * when it is B to the byte. */
function diffItems(dp) {
	return dp.rows.map(function (e, i) {
		var b = mapping(e[5]), a = e[4] === 0 ? b : mapping(e[4]);
		return {id: i, a: a, b: b, cur: b || a, change: e[0], match: e[1],
			pieces: [e[2], e[3]], d: delta(a && a.c, b && b.c)};
	});
}


function ussKeyed(c) {
	if (c.private_clean === undefined && c.private_dirty === undefined) return undefined;
	return (c.private_clean || 0) + (c.private_dirty || 0);
}
