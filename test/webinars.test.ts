import { createHmac } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { appHarness } from "./support/app-harness.js";
import { backends } from "./support/backends.js";
import { TEST_NOW } from "./support/clock.js";

/** Zoom's attendee report as it comes: preamble lines, a rejoin, and a name in the header's brackets. */
const ZOOM_REPORT = `Attendee Report,
Report Generated:,"Nov 20, 2026 11:00 AM"
Topic,Webinar ID,Actual Start Time,Actual Duration (minutes)
Pricing deep-dive,812 3456 7890,"Nov 19, 2026 04:00 PM",62

Attendee Details,
Attended,User Name (Original Name),First Name,Last Name,Email,Registration Time,Approval Status,Join Time,Leave Time,Time in Session (minutes),Country/Region Name
Yes,Ana Ruiz,Ana,Ruiz,ana@corp.example,"Nov 10, 2026 09:00 AM",approved,2026-11-19T16:01:00Z,2026-11-19T16:31:00Z,30,Spain
Yes,Ana Ruiz,Ana,Ruiz,ANA@corp.example,"Nov 10, 2026 09:00 AM",approved,2026-11-19T16:40:00Z,2026-11-19T16:52:00Z,12,Spain
Yes,Tom Berg,Tom,Berg,tom@other.example,"Nov 12, 2026 10:00 AM",approved,2026-11-19T16:05:00Z,2026-11-19T17:00:00Z,55,Sweden
`;

describe.each(backends())("webinars on $name", (backend) => {
	const h = appHarness(backend, { publicUrl: "https://q.example" });
	const { call } = h;
	const upload = (id: string, csv: string) =>
		h.app.request(`/v1/webinars/${id}/attendance.csv`, {
			method: "POST",
			headers: { authorization: `Bearer ${h.key}`, "content-type": "text/csv" },
			body: csv,
		});
	const attended = async () =>
		(
			await sql<{ email: string; minutes: number }>`select l.email, (e.properties->>'minutes')::float as minutes
				from events e join leads l on l.id = e.lead_id where e.event = 'webinar_attended' order by l.email`.execute(
				h.db,
			)
		).rows;

	it("registers by form, records attendance from the platform's export once, and adds up rejoins", async () => {
		const webinar = (
			await call("POST", "/v1/webinars", { name: "Pricing deep-dive", startsAt: "2026-11-19T16:00:00Z" })
		).body;
		const form = await call("POST", "/v1/forms", {
			name: "Register",
			slug: "register",
			definition: {
				title: "Register for the pricing deep-dive",
				fields: [{ name: "email", label: "E-mail", type: "email", required: true }],
				webinar: webinar.id,
				minSeconds: 0,
			},
		});
		expect(form.status).toBe(201);
		const page = await (await h.app.request("/f/register")).text();
		const shown = /name="_shown" value="([^"]+)"/.exec(page)?.[1] ?? "";
		await h.app.request("/f/register", {
			method: "POST",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ _shown: shown, email: "ana@corp.example" }).toString(),
		});
		const registered = await sql<{ n: number }>`select count(*)::int as n from events
			where event = 'webinar_registered' and properties->>'webinar_id' = ${webinar.id}`.execute(h.db);
		expect(registered.rows[0]?.n).toBe(1);

		const report = await upload(webinar.id, ZOOM_REPORT);
		expect(report.status).toBe(200);
		expect(await report.json()).toEqual({ rows: 3, attendees: 2, minutes: 97 });
		expect(await attended()).toEqual([
			{ email: "ana@corp.example", minutes: 42 },
			{ email: "tom@other.example", minutes: 55 },
		]);
		await upload(webinar.id, ZOOM_REPORT); // again: nothing new
		expect(await attended()).toHaveLength(2);
		// Ana registered and attended: one lead
		const ana = await h.db.selectFrom("leads").select("id").where("email", "=", "ana@corp.example").execute();
		expect(ana).toHaveLength(1);
	});

	it("refuses a file with a row it cannot read, naming the line, and records nothing", async () => {
		const webinar = (await call("POST", "/v1/webinars", { name: "Demo day", startsAt: "2026-11-19T16:00:00Z" })).body;
		const bad = await upload(webinar.id, "Email,Duration\nok@corp.example,10\nnot-an-address,5\n");
		expect(bad.status).toBe(400);
		expect((await bad.json()).error.problems).toEqual([
			{ field: "line 3", message: '"not-an-address" is not an e-mail address' },
		]);
		const none = await upload(webinar.id, "Name,Minutes\nAna,5\n");
		expect((await none.json()).error.problems[0].field).toBe("header");
		expect(await attended()).toEqual([]);
	});

	it("takes the platform's signed webhook: the URL check, and who left after how long", async () => {
		const webinar = (await call("POST", "/v1/webinars", { name: "Live Q&A", startsAt: "2026-11-20T11:00:00Z" })).body;
		const ts = String(Math.floor(TEST_NOW.getTime() / 1000));
		const hook = (body: string, signature?: string, at = ts) =>
			h.app.request(`/hooks/webinars/${webinar.id}`, {
				method: "POST",
				headers: {
					"content-type": "application/json",
					"x-zm-request-timestamp": at,
					"x-zm-signature":
						signature ?? `v0=${createHmac("sha256", webinar.secret).update(`v0:${at}:${body}`).digest("hex")}`,
				},
				body,
			});
		const check = JSON.stringify({ event: "endpoint.url_validation", payload: { plainToken: "abc" } });
		expect(await (await hook(check)).json()).toEqual({
			plainToken: "abc",
			encryptedToken: createHmac("sha256", webinar.secret).update("abc").digest("hex"),
		});
		const left = JSON.stringify({
			event: "webinar.participant_left",
			payload: {
				object: {
					id: "812",
					participant: {
						email: "lu@corp.example",
						user_name: "Lu Chen",
						join_time: "2026-11-20T11:02:00Z",
						leave_time: "2026-11-20T11:47:30Z",
					},
				},
			},
		});
		expect((await hook(left, "v0=forged")).status).toBe(401);
		expect((await hook(left, undefined, String(Number(ts) - 3600))).status).toBe(401); // an hour old
		expect(await (await hook(left)).json()).toEqual({ recorded: 1 });
		expect(await attended()).toEqual([{ email: "lu@corp.example", minutes: 45.5 }]);
	});
});
