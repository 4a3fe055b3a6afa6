import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../domain/errors.js";

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as { code?: string }).code === "EPERM";
	}
}

/**
 * Takes the embedded data folder for this process. PGlite has one connection and no
 * cross-process locking, so a second process must be stopped before it opens the files.
 * A lock left by a process that no longer runs is taken over.
 */
export function lockDataDir(dir: string): () => void {
	mkdirSync(dir, { recursive: true });
	const file = join(dir, "qualify.lock");
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			writeFileSync(file, String(process.pid), { flag: "wx" });
			return () => rmSync(file, { force: true });
		} catch (error) {
			if ((error as { code?: string }).code !== "EEXIST") throw error;
			const holder = Number.parseInt(readFileSync(file, "utf8"), 10);
			if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
				throw new AppError(
					"data_dir_locked",
					`The data folder ${dir} is in use by another Qualify process (pid ${holder}). While it runs, manage users, keys and the demo in its web app; or stop it first; or set DATABASE_URL to share a PostgreSQL server between processes.`,
				);
			}
			rmSync(file, { force: true });
		}
	}
	throw new AppError("data_dir_locked", `Could not lock the data folder ${dir}.`);
}
