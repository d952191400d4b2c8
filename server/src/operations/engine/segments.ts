import { groupStats } from "../../db/customers.js";
import { listSegments as segmentsOf } from "../../db/segments.js";
import { presentCustomer } from "../../domain/customers/customer-view.js";
import { requireProject } from "../../domain/organizations/access.js";
import { membershipCondition } from "../../domain/segments/membership.js";
import * as segments from "../../domain/segments/segments.js";
import { defineOperation } from "../../http/operation.js";
import { presentSegment, presentStats } from "./present.js";

const withStats = async (
  db: Parameters<typeof groupStats>[0],
  segment: Awaited<ReturnType<typeof segments.requireSegment>>,
) => presentSegment(segment, await groupStats(db, segment.project_id, [membershipCondition(segment)]));

export const listSegments = defineOperation("listSegments", async ({ app, principal, params }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  const rows = await segmentsOf(app.db.knex, project.id);
  return { status: 200, body: { segments: await Promise.all(rows.map((s) => withStats(app.db.knex, s))) } };
});

export const getSegment = defineOperation("getSegment", async ({ app, principal, params }) => ({
  status: 200,
  body: await withStats(app.db.knex, await segments.requireSegment(app.db.knex, principal, params.segmentId)),
}));

export const createSegment = defineOperation("createSegment", async ({ app, principal, params, body }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  const created = await segments.createSegment(
    app.db.knex,
    project.id,
    body as Parameters<typeof segments.createSegment>[2],
  );
  return { status: 201, body: await withStats(app.db.knex, created) };
});

export const updateSegment = defineOperation("updateSegment", async ({ app, principal, params, body }) => {
  const segment = await segments.requireSegment(app.db.knex, principal, params.segmentId);
  const updated = await segments.updateSegment(
    app.db.knex,
    segment,
    body as Parameters<typeof segments.updateSegment>[2],
  );
  return { status: 200, body: await withStats(app.db.knex, updated) };
});

export const deleteSegment = defineOperation("deleteSegment", async ({ app, principal, params }) => {
  const segment = await segments.requireSegment(app.db.knex, principal, params.segmentId);
  await segments.deleteSegment(app.db.knex, segment);
  return { status: 204, body: undefined };
});

export const previewSegment = defineOperation("previewSegment", async ({ app, principal, params, body }) => {
  const { project } = await requireProject(app.db.knex, principal, params.projectId);
  const { stats, sample } = await segments.previewSegment(
    app.db.knex,
    project.id,
    body as Parameters<typeof segments.previewSegment>[2],
    body.sample_size ?? 10,
  );
  return {
    status: 200,
    body: { count: stats.count, sample: sample.map(presentCustomer), stats: presentStats(stats) },
  };
});
