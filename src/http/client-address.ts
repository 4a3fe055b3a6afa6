import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The client's address for throttling: the connecting peer, or, behind a trusted reverse
 * proxy, the address that proxy appended last to X-Forwarded-For (earlier entries are
 * whatever the client wrote).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
	const forwarded = trustProxy ? c.req.header("x-forwarded-for")?.split(",").pop()?.trim() : undefined;
	if (forwarded) return forwarded;
	try {
		return getConnInfo(c).remote.address ?? "unknown";
	} catch {
		return "unknown"; // in-process requests (tests) have no socket
	}
}
