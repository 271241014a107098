// Opens a `prov trace --html` page in headless Chromium and checks what it
// renders against the report it was made from:
//   node tests/oracle/html-check.mjs REPORT.json PAGE.html [SHOT.png]
// the title, the verdict banner, a box in the lineage graph for every
// model, run and dataset with its label, the checks table (failed first),
// the people to credit, the verified / not verified lists; that the page
// holds only the elements prov writes (no <script>, whatever the report's
// strings); then a screenshot, which must not be blank and must show the
// red outline around each node a failed check names, and nowhere else.
// Chromium is driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe), so no package is needed; $CHROMIUM names the
// browser (default: Debian's /usr/bin/chromium). Exits 0 when every check
// passes, 1 otherwise, naming each failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';

const [reportPath, pagePath, shotPath] = process.argv.slice(2);
if (!reportPath || !pagePath) {
	console.error('usage: html-check.mjs REPORT.json PAGE.html [SHOT.png]');
	process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const WIDTH = 1280;
const FAIL_RED = [0xe0, 0x00, 0x00];
const failures = [];
const fail = (msg) => failures.push(msg);
const expectEq = (got, want, what) => {
	if (got !== want)
		fail(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
};

// ---- Chromium over the DevTools protocol ---------------------------------

function browser() {
	const profile = mkdtempSync(join(tmpdir(), 'html-check-'));
	const proc = spawn(process.env.CHROMIUM || '/usr/bin/chromium', [
		'--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
		'--no-first-run', '--no-default-browser-check', '--mute-audio',
		'--remote-debugging-pipe', `--user-data-dir=${profile}`,
		`--window-size=${WIDTH},1000`, 'about:blank',
	], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
	let stderr = '', pending = Buffer.alloc(0), nextId = 1;
	const waiting = new Map(), listeners = [];
	proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
	proc.stdio[4].on('data', (chunk) => {
		pending = Buffer.concat([pending, chunk]);
		let end;
		while ((end = pending.indexOf(0)) >= 0) {
			const msg = JSON.parse(pending.subarray(0, end).toString('utf8'));
			pending = pending.subarray(end + 1);
			if (msg.id && waiting.has(msg.id)) {
				const { ok, ko } = waiting.get(msg.id);
				waiting.delete(msg.id);
				msg.error ? ko(new Error(`${msg.error.message}`)) : ok(msg.result);
			} else if (msg.method) {
				listeners.forEach((l) => l(msg));
			}
		}
	});
	const exited = new Promise((res) => proc.on('exit', res));
	const send = (method, params = {}, sessionId) => new Promise((ok, ko) => {
		const id = nextId++;
		waiting.set(id, { ok, ko });
		proc.stdio[3].write(JSON.stringify({ id, method, params, sessionId }) + '\0');
	});
	const event = (method) => new Promise((ok) => listeners.push((m) => m.method === method && ok(m)));
	// The profile goes once the browser has exited, not while it writes.
	const close = async () => {
		const grace = (ms) => new Promise((ok) => setTimeout(ok, ms).unref());
		send('Browser.close').catch(() => {});
		await Promise.race([exited, grace(5000)]);
		if (proc.exitCode === null && proc.signalCode === null) {
			proc.kill('SIGKILL');
			await exited;
		}
		rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
	};
	return { send, event, close, stderr: () => stderr };
}

async function withTimeout(promise, ms, what) {
	let timer;
	const timeout = new Promise((_, ko) => { timer = setTimeout(() => ko(new Error(`${what}: timed out`)), ms); });
	try { return await Promise.race([promise, timeout]); } finally { clearTimeout(timer); }
}

// ---- what the page shows ---------------------------------------------------

// Runs in the page: everything the checks need, as plain data.
const probe = `(() => {
	const box = (e) => { const r = e.getBoundingClientRect();
		return { x: r.x + scrollX, y: r.y + scrollY, w: r.width, h: r.height }; };
	const shown = (e) => { const s = getComputedStyle(e); const r = e.getBoundingClientRect();
		return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0; };
	const svg = document.querySelector('svg#lineage');
	const rows = (sel) => [...document.querySelectorAll(sel + ' tbody tr')].map((tr) =>
		({ cls: tr.className, cells: [...tr.cells].map((td) => td.textContent),
		   shown: shown(tr) }));
	return {
		title: document.title,
		h1: document.querySelector('h1')?.innerText,
		verdict: document.querySelector('#verdict')?.innerText,
		verdictShown: !!document.querySelector('#verdict') && shown(document.querySelector('#verdict')),
		tags: [...new Set([...document.querySelectorAll('*')].map((e) => e.localName))].sort(),
		attrs: [...new Set([...document.querySelectorAll('*')].flatMap((e) => e.getAttributeNames()))].sort(),
		scripts: document.scripts.length,
		svg: svg && box(svg),
		nodes: [...document.querySelectorAll('svg#lineage g.node')].map((g) => ({
			cls: g.getAttribute('class'),
			title: g.querySelector('title')?.textContent,
			lines: [...g.querySelectorAll('text')].map((t) => t.textContent),
			textShown: [...g.querySelectorAll('text')].every(shown),
			box: box(g.querySelector('rect.box')),
			stroke: getComputedStyle(g.querySelector('rect.box')).stroke,
		})),
		edgeLabels: [...document.querySelectorAll('svg#lineage text.edge-label')].map((t) => t.textContent),
		checks: rows('#checks'),
		credits: rows('#credits'),
		creators: rows('#creators'),
		verified: [...document.querySelectorAll('#verified li')].map((li) => li.textContent),
		notVerified: [...document.querySelectorAll('#not-verified li')].map((li) => li.textContent),
		height: document.documentElement.scrollHeight,
	};
})()`;

// A report string as the page shows it: control characters and bidi
// controls made visible, as html_escape does.
function shown(s) {
	if (s === null || s === undefined)
		return '(none)';
	return [...s].map((ch) => {
		const cp = ch.codePointAt(0);
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return '\\x' + cp.toString(16).padStart(2, '0');
		if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			return '\\u' + cp.toString(16).padStart(4, '0');
		return ch;
	}).join('');
}

// A box's line shows a label whole, or its start and an ellipsis.
function labelMatches(line, want) {
	if (line === want)
		return true;
	return line.endsWith('\u2026') && want.startsWith(line.slice(0, -1));
}

// ---- the checks --------------------------------------------------------------

const ALLOWED_TAGS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2',
	'h3', 'p', 'svg', 'defs', 'marker', 'path', 'line', 'text', 'g', 'rect', 'clippath',
	'clipPath', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'section', 'dl', 'dt',
	'dd', 'ul', 'li']);
const ALLOWED_ATTRS = new Set(['aria-label', 'charset', 'class', 'clip-path', 'content', 'd',
	'fill', 'height', 'http-equiv', 'id', 'lang', 'marker-end', 'markerheight', 'markerHeight',
	'markerwidth', 'markerWidth', 'name', 'orient', 'refx', 'refX', 'refy', 'refY', 'role',
	'rx', 'viewbox', 'viewBox', 'width', 'x', 'x1', 'x2', 'xmlns', 'y', 'y1', 'y2']);

function checkMarkup(p) {
	expectEq(p.scripts, 0, 'script elements');
	for (const t of p.tags)
		if (!ALLOWED_TAGS.has(t))
			fail(`an element prov does not write: <${t}>`);
	for (const a of p.attrs)
		if (!ALLOWED_ATTRS.has(a))
			fail(`an attribute prov does not write: ${a}`);
}

function checkHeader(p, failed) {
	const name = report.models?.[0]?.name ?? '(model not found)';
	expectEq(p.title, shown(`prov trace: ${name} (${report.model})`), 'title');
	expectEq(p.h1, shown(`Lineage of model ${name}`), 'heading');
	const n = report.checks.length;
	const want = failed.length ? `${failed.length} of ${n} check${n === 1 ? '' : 's'} failed` :
		`all ${n} check${n === 1 ? '' : 's'} passed`;
	expectEq(p.verdict, want, 'verdict banner');
	if (!p.verdictShown)
		fail('the verdict banner is not shown');
}

// One box per model, run and dataset (and per record named but missing),
// labelled, inside the drawing, none over another.
function checkGraph(p, failedIds) {
	const byId = new Map(p.nodes.map((n) => [n.title?.replace(/^\w+ /, '').replace(/ \(a check failed\)$/, ''), n]));
	const expectNode = (kind, id, first) => {
		const n = byId.get(shown(id));
		if (!n)
			return fail(`no ${kind} box for ${id}`);
		if (!n.cls.split(' ').includes(kind))
			fail(`the box for ${id} is not a ${kind}`);
		if (!labelMatches(n.lines[0], shown(first)))
			fail(`${kind} ${id}: label ${JSON.stringify(n.lines[0])}, want ${JSON.stringify(first)}`);
		if (!labelMatches(n.lines[1], shown(id)))
			fail(`${kind} ${id}: id line ${JSON.stringify(n.lines[1])}`);
		if (!n.textShown)
			fail(`${kind} ${id}: its text is not shown`);
		const outlined = n.cls.split(' ').includes('failed');
		if (outlined !== failedIds.has(id))
			fail(`${kind} ${id}: ${outlined ? 'outlined' : 'not outlined'} as failed`);
	};
	for (const m of report.models)
		expectNode('model', m.id, `model ${m.name}`);
	for (const r of report.runs)
		expectNode('run', r.id, 'run');
	for (const d of report.datasets)
		expectNode('dataset', d.id, `dataset ${d.name}@${d.version}`);
	const trained = report.models.filter((m) => report.runs.some((r) => r.id === m.run)).length;
	const used = report.runs.flatMap((r) => r.datasets ?? []).length;
	expectEq(p.edgeLabels.filter((l) => l === 'trained by').length, trained, '"trained by" arrows');
	if (p.edgeLabels.filter((l) => l === 'used').length < Math.min(used, report.datasets.length))
		fail('fewer "used" arrows than datasets');
	const boxes = p.nodes.map((n) => n.box);
	boxes.forEach((a, i) => {
		if (a.x < p.svg.x || a.y < p.svg.y || a.x + a.w > p.svg.x + p.svg.w + 0.5 ||
		    a.y + a.h > p.svg.y + p.svg.h + 0.5)
			fail(`box ${i} lies outside the drawing`);
		boxes.slice(i + 1).forEach((b, k) => {
			if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
				fail(`boxes ${i} and ${i + k + 1} overlap`);
		});
	});
}

function checkTables(p, failed) {
	const order = [...failed, ...report.checks.filter((c) => c.ok === true)];
	expectEq(p.checks.length, order.length, 'rows in the checks table');
	order.forEach((c, i) => {
		const row = p.checks[i];
		if (!row)
			return;
		const want = [c.check, c.subject, c.ok === true ? 'passed' : 'FAILED', c.detail].map(shown);
		expectEq(JSON.stringify(row.cells), JSON.stringify(want), `checks row ${i + 1}`);
		expectEq(row.cls, c.ok === true ? 'pass' : 'fail', `checks row ${i + 1} class`);
		if (!row.shown)
			fail(`checks row ${i + 1} is not shown`);
	});
	expectEq(p.credits.length, report.credits.length, 'rows in the credits table');
	report.credits.forEach((c, i) => expectEq(JSON.stringify(p.credits[i]?.cells),
		JSON.stringify([shown(c.creator), shown(c.license), String(c.items)]), `credits row ${i + 1}`));
	expectEq(p.creators.length, report.creators.length, 'rows in the creators table');
	report.creators.forEach((c, i) => expectEq(p.creators[i]?.cells[0], shown(c.did), `creator ${i + 1}`));
	expectEq(JSON.stringify(p.verified), JSON.stringify(report.verified.map(shown)), 'verified');
	expectEq(JSON.stringify(p.notVerified), JSON.stringify(report.not_verified.map(shown)), 'not verified');
}

// ---- the screenshot ------------------------------------------------------------

// A PNG's pixels as RGBA: 8-bit RGB or RGBA, not interlaced, which is what
// Chromium writes.
function decodePng(buf) {
	if (buf.readUInt32BE(0) !== 0x89504e47)
		throw new Error('not a PNG');
	let pos = 8, width, height, depth, type, interlace;
	const idat = [];
	while (pos < buf.length) {
		const len = buf.readUInt32BE(pos), kind = buf.toString('latin1', pos + 4, pos + 8);
		const data = buf.subarray(pos + 8, pos + 8 + len);
		if (kind === 'IHDR')
			[width, height, depth, type, interlace] = [data.readUInt32BE(0), data.readUInt32BE(4), data[8], data[9], data[12]];
		else if (kind === 'IDAT')
			idat.push(data);
		else if (kind === 'IEND')
			break;
		pos += 12 + len;
	}
	if (depth !== 8 || (type !== 2 && type !== 6) || interlace)
		throw new Error(`unsupported PNG (depth ${depth}, colour type ${type}, interlace ${interlace})`);
	const bpp = type === 6 ? 4 : 3, stride = width * bpp;
	const raw = inflateSync(Buffer.concat(idat)), out = Buffer.alloc(width * height * 4);
	let prev = Buffer.alloc(stride);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
		for (let i = 0; i < stride; i++) {
			const a = i >= bpp ? line[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
			let pred = 0;
			if (filter === 1) pred = a;
			else if (filter === 2) pred = b;
			else if (filter === 3) pred = (a + b) >> 1;
			else if (filter === 4) {
				const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
				pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
			}
			line[i] = (line[i] + pred) & 0xff;
		}
		for (let x = 0; x < width; x++)
			for (let k = 0; k < 4; k++)
				out[(y * width + x) * 4 + k] = k < bpp ? line[x * bpp + k] : 255;
		prev = line;
	}
	return { width, height, pixels: out };
}

const isRed = (img, x, y) => {
	const i = (y * img.width + x) * 4, px = img.pixels;
	return Math.abs(px[i] - FAIL_RED[0]) <= 24 && px[i + 1] <= 40 && px[i + 2] <= 40;
};

// Red pixels on a band of 3 px either side of a box's outline.
function redOnOutline(img, b) {
	let red = 0, all = 0;
	const x0 = Math.round(b.x), y0 = Math.round(b.y), x1 = Math.round(b.x + b.w), y1 = Math.round(b.y + b.h);
	for (let y = y0 - 3; y <= y1 + 3; y++)
		for (let x = x0 - 3; x <= x1 + 3; x++) {
			const onBand = x <= x0 + 3 || x >= x1 - 3 || y <= y0 + 3 || y >= y1 - 3;
			if (!onBand || x < 0 || y < 0 || x >= img.width || y >= img.height)
				continue;
			all++;
			red += isRed(img, x, y);
		}
	return { red, perimeter: 2 * (b.w + b.h) };
}

function checkScreenshot(img, p, failedIds) {
	expectEq(img.width, WIDTH, 'screenshot width');
	const colours = new Set();
	let ink = 0, red = 0;
	for (let i = 0; i < img.width * img.height; i++) {
		const [r, g, b] = img.pixels.subarray(i * 4, i * 4 + 3);
		colours.add((r << 16) | (g << 8) | b);
		ink += r < 250 || g < 250 || b < 250;
		red += isRed(img, i % img.width, Math.floor(i / img.width));
	}
	if (ink < img.width * img.height * 0.02)
		fail(`the screenshot is nearly blank (${ink} non-white pixels)`);
	if (colours.size < 16)
		fail(`the screenshot has only ${colours.size} colours`);
	let outlined = 0;
	for (const n of p.nodes) {
		if (n.box.y + n.box.h + 3 >= img.height)
			continue; // below the screenshot
		const { red: r, perimeter } = redOnOutline(img, n.box);
		const failedNode = n.cls.split(' ').includes('failed');
		if (failedNode && r < perimeter * 1.5)
			fail(`the red outline of ${n.title} is not visible (${r} red pixels)`);
		if (!failedNode && r > 0)
			fail(`${n.title} has red on its outline`);
		outlined += failedNode ? r : 0;
	}
	if (!failedIds.size && red > 0)
		fail(`no check failed, yet ${red} pixels are the failed nodes' red`);
	if (red > outlined)
		fail(`${red - outlined} pixels of the failed nodes' red are not on a failed node`);
	return { ink, colours: colours.size, red };
}

// ---- main -----------------------------------------------------------------------

const failed = report.checks.filter((c) => c.ok !== true);
const failedIds = new Set(failed.map((c) => c.subject));
const b = browser();
let stats;
try {
	await withTimeout((async () => {
		const { targetInfos } = await b.send('Target.getTargets');
		const page = targetInfos.find((t) => t.type === 'page');
		const { sessionId } = await b.send('Target.attachToTarget', { targetId: page.targetId, flatten: true });
		const s = (m, params) => b.send(m, params, sessionId);
		await s('Page.enable');
		const loaded = b.event('Page.loadEventFired');
		const nav = await s('Page.navigate', { url: pathToFileURL(resolve(pagePath)).href });
		if (nav.errorText)
			throw new Error(`cannot open ${pagePath}: ${nav.errorText}`);
		await loaded;
		let p = (await s('Runtime.evaluate', { expression: probe, returnByValue: true })).result.value;
		// The whole page in one screenshot, up to 6,000 px tall.
		const height = Math.min(p.height, 6000);
		await s('Emulation.setDeviceMetricsOverride', { width: WIDTH, height, deviceScaleFactor: 1, mobile: false });
		p = (await s('Runtime.evaluate', { expression: probe, returnByValue: true })).result.value;
		checkMarkup(p);
		checkHeader(p, failed);
		if (!p.svg)
			fail('no lineage drawing');
		else
			checkGraph(p, failedIds);
		checkTables(p, failed);
		const shot = await s('Page.captureScreenshot', { format: 'png', clip: { x: 0, y: 0, width: WIDTH, height, scale: 1 } });
		const png = Buffer.from(shot.data, 'base64');
		if (shotPath)
			writeFileSync(shotPath, png);
		stats = checkScreenshot(decodePng(png), p, failedIds);
		stats.nodes = p.nodes.length;
	})(), 60000, 'chromium');
} catch (e) {
	fail(`${e.message}\n--- chromium's stderr:\n${b.stderr()}`);
} finally {
	await b.close();
}
if (failures.length) {
	for (const f of failures)
		console.error(`html-check: ${pagePath}: ${f}`);
	process.exit(1);
}
console.log(`html-check: ${pagePath}: ok (${stats.nodes} boxes, ${report.checks.length} checks, ` +
	`${failed.length} failed, ${stats.colours} colours, ${stats.red} red outline pixels)`);
