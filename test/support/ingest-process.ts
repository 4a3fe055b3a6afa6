// Ingests batches from a JSON file into a database, as one more server process would.

import { readFileSync } from "node:fs";
import { ingestBatch } from "../../src/app/ingest-batch.js";
import { openDatabase } from "../../src/storage/database.js";
import { received } from "./clock.js";

const [url, file] = process.argv.slice(2);
const batches = JSON.parse(readFileSync(file ?? "", "utf8")) as Record<string, unknown>[][];
const database = await openDatabase({ url: url ?? "", poolSize: 2 });
for (const batch of batches) await ingestBatch(database.db, batch, received);
await database.close();
