import type { Knex } from "knex";
import * as foundation from "./20261129_001_foundation.js";
import * as projectsAndApiKeys from "./20261129_002_projects_and_api_keys.js";
import * as ingestion from "./20261129_003_ingestion.js";
import * as engine from "./20261129_004_engine.js";
import * as segmentMemberships from "./20261129_005_segment_memberships.js";
import * as integrations from "./20261129_006_integrations.js";
import * as automations from "./20261129_007_automations.js";
import * as customerListIndexes from "./20261129_008_customer_list_indexes.js";
import * as pipelineRuns from "./20261130_010_pipeline_runs.js";
import * as stagedRows from "./20261130_011_staged_rows.js";
import * as rfmSegment from "./20261130_011_wire_rfm_segment.js";
import * as embeddingsPerProject from "./20261130_015_embeddings_per_project.js";
import * as billing from "./20261130_020_billing.js";
import * as foreignKeyIndexes from "./20261130_021_foreign_key_indexes.js";
import * as customerErasure from "./20261130_030_customer_erasure.js";
import * as profileReservations from "./20261201_040_profile_reservations.js";
import * as incrementalScoring from "./20261201_041_incremental_scoring.js";

/** Migrations in the order they run. Listed here rather than read from disk, so bundling and tsx both work. */
const migrations: Record<string, Knex.Migration> = {
  "20261129_001_foundation": foundation,
  "20261129_002_projects_and_api_keys": projectsAndApiKeys,
  "20261129_003_ingestion": ingestion,
  "20261129_004_engine": engine,
  "20261129_005_segment_memberships": segmentMemberships,
  "20261129_006_integrations": integrations,
  "20261129_007_automations": automations,
  "20261129_008_customer_list_indexes": customerListIndexes,
  "20261130_010_pipeline_runs": pipelineRuns,
  "20261130_011_staged_rows": stagedRows,
  "20261130_011_wire_rfm_segment": rfmSegment,
  "20261130_015_embeddings_per_project": embeddingsPerProject,
  "20261130_020_billing": billing,
  "20261130_021_foreign_key_indexes": foreignKeyIndexes,
  "20261130_030_customer_erasure": customerErasure,
  "20261201_040_profile_reservations": profileReservations,
  "20261201_041_incremental_scoring": incrementalScoring,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`Unknown migration ${name}`);
    return migration;
  },
};
