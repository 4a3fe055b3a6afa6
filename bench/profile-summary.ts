/**
 * Where a CPU profile's time went: self time grouped by package (node_modules), by our own
 * file (dist/…), by Node's internals, and garbage collection.
 *
 *   npx tsx bench/profile-summary.ts DIR_OR_FILE.cpuprofile [top N]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

interface Node {
	id: number;
	callFrame: { functionName: string; url: string };
}
interface Profile {
	nodes: Node[];
	samples: number[];
	timeDeltas: number[];
}

function groupOf(node: Node): string {
	const { url, functionName } = node.callFrame;
	if (!url) return functionName ? `(${functionName})` : "(native)";
	const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
	if (pkg) return pkg;
	const own = /\/(?:dist|src)\/(.+)$/.exec(url)?.[1];
	if (own) return process.env.BY_FUNCTION ? `${own} ${functionName}` : own;
	if (url.startsWith("node:")) return url;
	return url;
}

const target = process.argv[2] ?? ".";
const top = Number(process.argv[3] ?? 25);
const files = statSync(target).isDirectory()
	? readdirSync(target)
			.filter((f) => f.endsWith(".cpuprofile"))
			.map((f) => join(target, f))
	: [target];
const totals = new Map<string, number>();
let all = 0;
for (const file of files) {
	const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	profile.samples.forEach((id, i) => {
		const node = byId.get(id);
		const us = profile.timeDeltas[i] ?? 0;
		if (!node) return;
		const group = groupOf(node);
		totals.set(group, (totals.get(group) ?? 0) + us);
		all += us;
	});
}
const idle = totals.get("((idle))") ?? 0;
const busy = all - idle;
console.log(`busy ${(busy / 1000).toFixed(0)} ms (idle ${(idle / 1000).toFixed(0)} ms not counted)`);
for (const [group, us] of [...totals]
	.filter(([g]) => g !== "((idle))")
	.sort((a, b) => b[1] - a[1])
	.slice(0, top))
	console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${group}`);
