/* Qualify's tracker: page views (single-page apps too), engaged time, UTM and referrer, identify
 * and track, batched to /v1/batch with sendBeacon or keepalive fetch and retried. Paste one line:
 * <script async src="https://YOUR-QUALIFY/t.js" data-key="WRITE_KEY"></script>
 * data-consent="required": nothing is sent, and no cookie set, until qualify.consent(true).
 * data-respect-gpc: a browser that sends Global Privacy Control is not tracked at all. */
((w, d) => {
	var script = d.currentScript;
	if (!script || w.qualify) return;
	var key = script.getAttribute("data-key");
	var host = (script.getAttribute("data-host") || script.src.replace(/\/t\.js.*$/, "")).replace(/\/+$/, "");
	var gpc = script.hasAttribute("data-respect-gpc") && navigator.globalPrivacyControl === true;
	var consent = script.getAttribute("data-consent") === "required" ? null : true;
	var queue = [];
	var waiting = [];
	var timer = 0;
	var failures = 0;
	var STORE = "qualify_queue";
	var ID = "ajs_anonymous_id";

	function uuid() {
		if (w.crypto?.randomUUID) return w.crypto.randomUUID();
		return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, (c) => {
			var r = (Math.random() * 16) | 0;
			return (c === "x" ? r : (r & 3) | 8).toString(16);
		});
	}
	function cookie(name) {
		var m = d.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
		return m ? decodeURIComponent(m[1]).replace(/^"|"$/g, "") : null;
	}
	function stored(name) {
		try {
			return w.localStorage.getItem(name);
		} catch (_e) {
			return null;
		}
	}
	function store(name, value) {
		try {
			w.localStorage.setItem(name, value);
		} catch (_e) {}
	}
	// the anonymous id lives in a first-party cookie (a year) and localStorage, as analytics.js keeps it
	var anonymousId = null;
	function anonymous() {
		if (anonymousId) return anonymousId;
		anonymousId = cookie(ID) || (stored(ID) || "").replace(/^"|"$/g, "") || uuid();
		d.cookie = `${ID}=${encodeURIComponent(JSON.stringify(anonymousId))};path=/;max-age=31536000;samesite=lax`;
		store(ID, JSON.stringify(anonymousId));
		return anonymousId;
	}
	var userId = null;

	function campaign() {
		var out = {};
		var q = new URLSearchParams(w.location.search);
		q.forEach((v, k) => {
			if (k.indexOf("utm_") === 0) out[k === "utm_campaign" ? "name" : k.slice(4)] = v;
		});
		return out;
	}
	function page() {
		return {
			path: w.location.pathname,
			url: w.location.href,
			search: w.location.search,
			title: d.title,
			referrer: d.referrer,
		};
	}
	function message(type, fields) {
		var m = {
			type: type,
			messageId: uuid(),
			timestamp: new Date().toISOString(),
			anonymousId: anonymous(),
			context: { page: page(), userAgent: navigator.userAgent, library: { name: "qualify.js", version: "1" } },
		};
		var c = campaign();
		for (var _k in c) {
			m.context.campaign = c;
			break;
		}
		if (userId) m.userId = userId;
		for (var f in fields) m[f] = fields[f];
		return m;
	}
	function send(batch, leaving) {
		var body = JSON.stringify({ batch: batch, writeKey: key, sentAt: new Date().toISOString() });
		if (leaving && navigator.sendBeacon && navigator.sendBeacon(`${host}/v1/batch`, body)) return;
		fetch(`${host}/v1/batch`, {
			method: "POST",
			body: body,
			keepalive: body.length < 60000,
			headers: { "content-type": "text/plain" },
		})
			.then((r) => {
				if (r.status >= 500 || r.status === 429) throw new Error(String(r.status));
				failures = 0;
				store(STORE, "[]");
			})
			.catch(() => {
				// kept and sent again, later and later
				failures++;
				queue = batch.concat(queue).slice(-500);
				store(STORE, JSON.stringify(queue));
				schedule(Math.min(60000, 1000 * 2 ** failures));
			});
	}
	function flush(leaving) {
		clearTimeout(timer);
		timer = 0;
		if (queue.length === 0 || consent !== true || gpc) return;
		var batch = queue.splice(0, 100);
		store(STORE, JSON.stringify(queue));
		send(batch, leaving);
		if (queue.length > 0) schedule(0);
	}
	function schedule(ms) {
		if (!timer) timer = setTimeout(flush, ms);
	}
	function enqueue(type, fields) {
		if (gpc || consent === false) return;
		if (consent === null)
			return void waiting.push([type, Object.assign({ timestamp: new Date().toISOString() }, fields)]);
		queue.push(message(type, fields));
		store(STORE, JSON.stringify(queue));
		if (queue.length >= 20) flush();
		else schedule(1000);
	}

	// engaged time: seconds the page is visible and focused, sent when the page is left or hidden
	var engagedMs = 0;
	var since = d.visibilityState === "visible" ? Date.now() : 0;
	function pause() {
		if (since) engagedMs += Date.now() - since;
		since = 0;
	}
	function resume() {
		if (!since && d.visibilityState === "visible") since = Date.now();
	}
	function reportEngaged(leaving) {
		pause();
		var seconds = Math.round(engagedMs / 1000);
		engagedMs = 0;
		if (seconds > 0) enqueue("track", { event: "Page Engaged", properties: { seconds: seconds, path: lastPath } });
		flush(leaving);
	}
	var lastPath = w.location.pathname + w.location.search;
	function pageview() {
		lastPath = w.location.pathname + w.location.search;
		enqueue("page", { properties: page() });
	}
	function navigated() {
		var now = w.location.pathname + w.location.search;
		if (now === lastPath) return;
		reportEngaged(false);
		resume();
		pageview();
	}
	["pushState", "replaceState"].forEach((name) => {
		var original = history[name];
		history[name] = function (...args) {
			var result = original.apply(this, args);
			setTimeout(navigated, 0);
			return result;
		};
	});
	w.addEventListener("popstate", navigated);
	d.addEventListener("visibilitychange", () => {
		if (d.visibilityState === "hidden") reportEngaged(true);
		else resume();
	});
	w.addEventListener("blur", pause);
	w.addEventListener("focus", resume);
	w.addEventListener("pagehide", () => {
		reportEngaged(true);
	});

	w.qualify = {
		identify: (id, traits) => {
			if (typeof id === "object" && id) {
				traits = id;
				id = null;
			}
			if (id) userId = String(id);
			enqueue("identify", { traits: traits || {} });
		},
		track: (event, properties) => {
			enqueue("track", { event: event, properties: properties || {} });
		},
		page: pageview,
		/** consent given (true) sends what waited and all that follows; refused (false) sends nothing */
		consent: (given) => {
			consent = !!given;
			var held = waiting;
			waiting = [];
			if (consent) for (const item of held) enqueue(item[0], item[1]);
			flush();
		},
		anonymousId: () => (consent === true && !gpc ? anonymous() : null),
		flush: flush,
	};
	try {
		queue = JSON.parse(stored(STORE) || "[]");
	} catch (_e) {
		queue = [];
	}
	pageview();
})(window, document);
