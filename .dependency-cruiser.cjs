/**
 * The server's layering, checked in CI (`npm run lint:deps`). Arrows point down only:
 *
 *   http -> operations -> domain / billing -> db | queue | engine | ingest | channels | storage | mail
 *   jobs (definitions, runner, workers) -> domain   (job definitions are adapters, like operations)
 *
 * Type-only imports are not counted (they vanish at run time): a lower layer may name a type declared above it.
 */
const SRC = "^server/src/";
const LOWER = `${SRC}(db|queue|engine|ingest|channels|storage|mail|security|i18n)/`;

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "A cycle means two modules cannot be understood (or loaded) one before the other.",
      from: { path: SRC },
      to: { circular: true },
    },
    {
      name: "engine-is-pure",
      severity: "error",
      comment: "engine/ imports nothing outside engine/: plain arrays and numbers in, plain results out.",
      from: { path: `${SRC}engine/` },
      to: { path: SRC, pathNot: `${SRC}engine/` },
    },
    {
      name: "only-http-knows-http",
      severity: "error",
      comment:
        "Statuses, bodies, locales, Express and multipart belong to http/ (and the operations it routes to).",
      from: { path: SRC, pathNot: `${SRC}(http|operations)/|${SRC}(app|server|cli|context)\\.ts$` },
      to: { path: [`${SRC}(http|operations)/`, "node_modules/(express|busboy|cors|helmet)/"] },
    },
    {
      name: "lower-layers-look-down",
      severity: "error",
      comment:
        "db, queue, engine, ingest, channels, storage and mail never reach up into domain, jobs or the API.",
      from: { path: LOWER },
      to: { path: `${SRC}(domain|billing|jobs|operations|http)/|${SRC}(app|server|context|cli)\\.ts$` },
    },
    {
      name: "domain-below-jobs",
      severity: "error",
      comment: "Job definitions call domain use-cases, never the other way round.",
      from: { path: `${SRC}(domain|billing)/` },
      to: { path: `${SRC}jobs/` },
    },
    {
      name: "sql-only-in-db",
      severity: "error",
      comment: "Only db/ holds SQL: one module per table or aggregate; everyone else calls its functions.",
      from: { path: SRC, pathNot: `${SRC}db/` },
      to: { path: "node_modules/(knex|pg|pg-copy-streams)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
