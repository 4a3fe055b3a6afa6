import { PGlite } from "@electric-sql/pglite";
const db = new PGlite();
const r = await db.query(`select extract(hour from (timestamptz '2026-01-05 21:30:00Z' at time zone 'europe/berlin'))::int as h, extract(isodow from (timestamptz '2026-01-04 23:30:00Z' at time zone 'Asia/Tokyo'))::int as d`);
console.log(r.rows);
