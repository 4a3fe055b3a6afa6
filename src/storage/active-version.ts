import { sql } from "kysely";

/** The active model's version in SQL: the published model with the highest version. */
export const activeVersion = sql<number>`(select max(version) from scoring_models where status = 'published')`;
