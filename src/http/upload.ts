import { Readable, Transform } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { AppError } from "../domain/errors.js";

/** An upload may be this large; it is read as a stream, never held whole. */
const MAX_UPLOAD = 200 * 2 ** 20;

/** The request body (a CSV file) as a stream that fails past MAX_UPLOAD. */
export function uploadOf(body: ReadableStream<Uint8Array> | null): Readable {
	if (!body)
		throw new AppError("validation_failed", "Send the CSV file as the request body.", [
			{ field: "body", message: "empty" },
		]);
	let seen = 0;
	const limit = new Transform({
		transform(chunk: Buffer, _encoding, done) {
			seen += chunk.length;
			if (seen > MAX_UPLOAD)
				done(new AppError("payload_too_large", "The file is over 200 MB: import it with the command line."));
			else done(null, chunk);
		},
	});
	return Readable.fromWeb(body as WebReadableStream<Uint8Array>).pipe(limit);
}
