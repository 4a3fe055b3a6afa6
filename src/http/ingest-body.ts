import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import type { Context } from "hono";
import { AppError, errorCode } from "../domain/errors.js";

const tooLarge = (limit: number) =>
	new AppError("payload_too_large", `The body is larger than ${limit} bytes, the limit for this call.`);

/** The raw body, refused as soon as it passes the limit, without reading the rest. */
async function readBytes(c: Context, limit: number): Promise<Buffer> {
	const declared = Number(c.req.header("content-length"));
	if (declared > limit) throw tooLarge(limit);
	const body = c.req.raw.body;
	if (!body) return Buffer.alloc(0);
	const chunks: Uint8Array[] = [];
	let size = 0;
	const reader = body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel();
			throw tooLarge(limit);
		}
		chunks.push(value);
	}
	return Buffer.concat(chunks);
}

// HTTP's "deflate" is zlib-wrapped, but some clients send raw deflate: both are accepted.
const DECODERS: Record<string, (data: Buffer, limit: number) => Buffer> = {
	gzip: (data, limit) => gunzipSync(data, { maxOutputLength: limit }),
	"x-gzip": (data, limit) => gunzipSync(data, { maxOutputLength: limit }),
	deflate: (data, limit) => {
		try {
			return inflateSync(data, { maxOutputLength: limit });
		} catch (error) {
			if (errorCode(error) === "ERR_BUFFER_TOO_LARGE") throw error;
			return inflateRawSync(data, { maxOutputLength: limit });
		}
	},
	br: (data, limit) => brotliDecompressSync(data, { maxOutputLength: limit }),
};

/**
 * Undoes Content-Encoding. The limit applies to what comes out: a small body that would
 * inflate past it (a zip bomb) is refused after producing no more than the limit.
 */
function decode(data: Buffer, encoding: string | undefined, limit: number): Buffer {
	const codings = (encoding ?? "")
		.toLowerCase()
		.split(",")
		.map((s) => s.trim())
		.filter((s) => s && s !== "identity");
	let out = data;
	for (const coding of codings.reverse()) {
		const decoder = Object.hasOwn(DECODERS, coding) ? DECODERS[coding] : undefined;
		if (!decoder)
			throw new AppError(
				"unsupported_media_type",
				`Content-Encoding "${coding}" is not supported; send gzip, deflate, br or none.`,
			);
		try {
			out = decoder(out, limit);
		} catch (error) {
			if (errorCode(error) === "ERR_BUFFER_TOO_LARGE") throw tooLarge(limit);
			throw new AppError("validation_failed", `The body is not valid ${coding} data.`, [
				{ field: "body", message: `not valid ${coding}` },
			]);
		}
	}
	return out;
}

const JSON_LIKE = /^(application\/([\w.+-]*\+)?json|text\/plain)\s*(;|$)/i;

/**
 * The body as JSON, as Segment's libraries send it: any content type (sendBeacon sends
 * text/plain, some server libraries label gzip as form data), any Content-Encoding Node can
 * undo, within `limit` bytes once decoded. Invalid UTF-8 becomes U+FFFD rather than an error.
 */
export async function readIngestBody(c: Context, limit: number): Promise<unknown> {
	const data = decode(await readBytes(c, limit), c.req.header("content-encoding"), limit);
	const text = new TextDecoder("utf-8").decode(data);
	try {
		return JSON.parse(text);
	} catch {
		const type = c.req.header("content-type") ?? "";
		if (type && !JSON_LIKE.test(type))
			throw new AppError("unsupported_media_type", "Send the body as JSON (application/json or text/plain).");
		throw new AppError("validation_failed", "The body is not valid JSON.", [
			{ field: "body", message: "not valid JSON" },
		]);
	}
}
