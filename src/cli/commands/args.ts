import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with --help, printing usage and returning null when asked for help. */
export function parseCommand<T extends Options>(args: string[], options: T, usage: string, allowPositionals = false) {
	const parsed = parseArgs({
		args,
		options: { ...options, help: { type: "boolean", short: "h" } },
		allowPositionals,
		strict: true,
	});
	if ("help" in parsed.values && parsed.values.help === true) {
		console.log(usage);
		return null;
	}
	return parsed;
}

export function positiveInt(value: unknown, name: string, fallback: number): number {
	if (value === undefined) return fallback;
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0) throw new TypeError(`--${name} must be a whole number, not "${String(value)}"`);
	return n;
}
