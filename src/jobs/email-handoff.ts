import { sql } from "kysely";
import type { Logger } from "pino";
import { handoffEmail } from "../email/handoff-emails.js";
import type { Mailer } from "../email/mailer.js";
import { activeVersion } from "../storage/active-version.js";
import type { Db } from "../storage/database.js";
import type { Job } from "./queue.js";

interface Facts {
	lead_id: string;
	sla_due_at: Date | null;
	owner_name: string | null;
	owner_email: string | null;
	team_name: string;
	manager_email: string | null;
	email: string | null;
	traits: Record<string, unknown>;
	grade: string | null;
	temperature: string | null;
	qualification: string | null;
}

const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : null);

/**
 * E-mails the owner of a new MQL, or the team's manager about a missed first touch. Without
 * SMTP configured the job ends quietly (logged once a job): webhooks still carry the events.
 */
export function emailHandoff(db: Db, options: { mailer: Mailer | null; publicUrl: string; logger?: Logger }) {
	return async (job: Job): Promise<void> => {
		if (!options.mailer) {
			options.logger?.debug({ job: job.id }, "no SMTP_URL: handoff e-mail not sent"); // said once at start
			return;
		}
		const kind = job.payload.kind === "breached" ? "breached" : "assigned";
		const f = (
			await sql<Facts>`select h.lead_id, h.sla_due_at, o.name as owner_name, o.email as owner_email, t.name as team_name,
					t.manager_email, l.email, l.traits, s.grade, s.temperature, s.qualification
				from handoffs h join leads l on l.id = h.lead_id join teams t on t.id = h.team_id
				left join owners o on o.id = h.owner_id
				left join lead_scores s on s.lead_id = h.lead_id
					and s.model_version = ${activeVersion}
				where h.id = ${String(job.payload.handoffId)}::uuid`.execute(db)
		).rows[0];
		const to = kind === "assigned" ? f?.owner_email : f?.manager_email;
		if (!f || !to) return;
		const name = [text(f.traits.firstName), text(f.traits.lastName)].filter(Boolean).join(" ");
		const email = handoffEmail({
			kind,
			ownerName: f.owner_name,
			leadEmail: f.email,
			leadName: name || null,
			company: text(f.traits.company),
			title: text(f.traits.title),
			grade: f.grade,
			temperature: f.temperature,
			why: f.qualification,
			slaDueAt: f.sla_due_at ? new Date(f.sla_due_at).toISOString() : null,
			leadUrl: `${options.publicUrl.replace(/\/$/, "")}/leads/${f.lead_id}`,
			teamName: f.team_name,
		});
		await options.mailer.send(to, email);
	};
}
