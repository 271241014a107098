// Ponder requires an API module that default-exports a Hono app; the bench
// reads the database directly, so it serves only the SQL-over-HTTP route.
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { client } from "ponder";

const app = new Hono();
app.use("/sql/*", client({ db, schema }));
export default app;
