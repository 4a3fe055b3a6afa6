import { lookup as dnsLookup } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

const PRIVATE = new BlockList();
for (const [network, prefix] of [
	["0.0.0.0", 8],
	["10.0.0.0", 8],
	["100.64.0.0", 10],
	["127.0.0.0", 8],
	["169.254.0.0", 16],
	["172.16.0.0", 12],
	["192.0.0.0", 24],
	["192.168.0.0", 16],
	["198.18.0.0", 15],
	["224.0.0.0", 4],
	["240.0.0.0", 4],
] as const)
	PRIVATE.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
	["::", 128],
	["::1", 128],
	["fc00::", 7],
	["fe80::", 10],
	["ff00::", 8],
] as const)
	PRIVATE.addSubnet(network, prefix, "ipv6");

/** Networks an operator allows although private, from `QUALIFY_WEBHOOK_ALLOW` ("127.0.0.0/8,10.1.0.0/16"). */
export function allowListOf(spec: string | undefined): BlockList {
	const list = new BlockList();
	for (const cidr of (spec ?? "")
		.split(",")
		.map((s) => s.trim())
		.filter(Boolean)) {
		const [address = "", bits] = cidr.split("/");
		const family = isIP(address) === 6 ? "ipv6" : "ipv4";
		if (!isIP(address)) throw new Error(`QUALIFY_WEBHOOK_ALLOW: "${cidr}" is not an address or network`);
		list.addSubnet(address, Number(bits ?? (family === "ipv6" ? 128 : 32)), family);
	}
	return list;
}

function refused(address: string, family: number, allowed: BlockList): boolean {
	const type = family === 6 ? "ipv6" : "ipv4";
	// An IPv4 address mapped into IPv6 is checked as the IPv4 address it is.
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
	if (mapped) return PRIVATE.check(mapped, "ipv4") && !allowed.check(mapped, "ipv4");
	return PRIVATE.check(address, type) && !allowed.check(address, type);
}

/**
 * A DNS lookup that refuses private, loopback and link-local addresses. It runs when the
 * socket connects, so the address checked is the address used: a name cannot resolve to a
 * public address for the check and a private one for the request.
 */
function guardedLookup(allowed: BlockList): LookupFunction {
	return (hostname, options, callback) => {
		dnsLookup(hostname, { family: options.family, hints: options.hints, all: true }, (error, addresses) => {
			if (error) return callback(error, "", 4);
			const bad = addresses.find((a) => refused(a.address, a.family, allowed));
			const first = addresses[0];
			if (bad || !first) {
				const reason = `refused: ${hostname} resolves to ${bad?.address ?? "nothing"}, a private, loopback or link-local address`;
				return callback(Object.assign(new Error(reason), { code: "EADDRNOTALLOWED" }), "", 4);
			}
			if (options.all) callback(null, addresses);
			else callback(null, first.address, first.family);
		});
	};
}

/**
 * Why a URL may not receive webhooks, checked when it is saved: not http(s), or a host that is
 * (or resolves to) a private, loopback or link-local address. A name that does not resolve now
 * is let through: the guard at connect time still checks whatever it resolves to later.
 */
export async function outboundUrlProblem(url: string, allowed: BlockList): Promise<string | null> {
	let target: URL;
	try {
		target = new URL(url);
	} catch {
		return "not a URL";
	}
	if (target.protocol !== "http:" && target.protocol !== "https:") return `${target.protocol} is not http or https`;
	const host = target.hostname.replace(/^\[|\]$/g, "");
	const literal = isIP(host);
	if (literal) return refused(host, literal, allowed) ? `${host} is a private, loopback or link-local address` : null;
	const addresses = await new Promise<Array<{ address: string; family: number }>>((resolve) =>
		dnsLookup(host, { all: true }, (error, found) => resolve(error ? [] : found)),
	);
	const bad = addresses.find((a) => refused(a.address, a.family, allowed));
	return bad ? `${host} resolves to ${bad.address}, a private, loopback or link-local address` : null;
}

export interface OutboundResponse {
	status: number;
	body: string;
	ms: number;
}

/**
 * POSTs a body with an SSRF guard, a timeout, no redirects followed (a 3xx is a failure, so a
 * receiver cannot bounce us elsewhere) and at most 4 KB of the response kept.
 */
export function postOutbound(
	url: string,
	body: string,
	headers: Record<string, string>,
	options: { allowed: BlockList; timeoutMs?: number },
): Promise<OutboundResponse> {
	const target = new URL(url);
	if (target.protocol !== "http:" && target.protocol !== "https:")
		return Promise.reject(new Error(`refused: ${target.protocol} is not http or https`));
	const literal = isIP(target.hostname.replace(/^\[|\]$/g, ""));
	if (literal && refused(target.hostname.replace(/^\[|\]$/g, ""), literal, options.allowed))
		return Promise.reject(new Error(`refused: ${target.hostname} is a private, loopback or link-local address`));
	const started = performance.now();
	const client = target.protocol === "https:" ? https : http;
	return new Promise((resolve, reject) => {
		const request = client.request(
			target,
			{
				method: "POST",
				headers: { "content-type": "application/json", "user-agent": "Qualify-Webhooks/1", ...headers },
				lookup: guardedLookup(options.allowed),
				timeout: options.timeoutMs ?? 10_000,
			},
			(response) => {
				let text = "";
				response.setEncoding("utf8");
				response.on("data", (chunk: string) => {
					if (text.length < 4096) text += chunk;
				});
				response.on("end", () =>
					resolve({ status: response.statusCode ?? 0, body: text.slice(0, 4096), ms: performance.now() - started }),
				);
				response.on("error", reject);
			},
		);
		request.on("timeout", () => request.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)));
		request.on("error", reject);
		request.end(body);
	});
}
