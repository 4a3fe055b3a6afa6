import { createOwner, createTeam } from "../../src/app/sales-setup.js";
import type { Db } from "../../src/storage/database.js";

/** A UTC team ("Global", one business hour to first touch) with one available owner. */
export async function teamWithOwner(
	db: Db,
	owner: { name: string; email: string },
	managerEmail: string | null = null,
) {
	const team = await createTeam(db, {
		name: "Global",
		timezone: "UTC",
		slaMinutes: 60,
		businessDays: [1, 2, 3, 4, 5],
		businessStart: "09:00",
		businessEnd: "17:00",
		managerEmail,
		escalation: "notify",
	});
	return createOwner(db, { ...owner, teamId: team?.id ?? "", timezone: null, away: false, maxOpen: 10, active: true });
}
