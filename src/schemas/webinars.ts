import { z } from "@hono/zod-openapi";

export const WebinarInput = z
	.object({
		name: z.string().trim().min(1).max(200),
		startsAt: z.string().datetime({ offset: true }),
	})
	.strict()
	.openapi("WebinarInput");
export type WebinarInput = z.infer<typeof WebinarInput>;

export const Webinar = z
	.object({
		id: z.string().uuid(),
		name: z.string(),
		startsAt: z.string(),
		webhookUrl: z
			.string()
			.openapi({ description: "where the webinar platform posts who left and when (Zoom's shape)" }),
		secret: z.string().openapi({ description: "the webhook's secret token (signs the posts)" }),
	})
	.openapi("Webinar");
export type Webinar = z.infer<typeof Webinar>;

export const AttendanceReport = z
	.object({
		rows: z.number().int(),
		attendees: z.number().int(),
		minutes: z.number(),
	})
	.openapi("AttendanceReport");
export type AttendanceReport = z.infer<typeof AttendanceReport>;
