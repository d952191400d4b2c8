import type { Knex } from "knex";

/**
 * An index behind every foreign key that had none. Deleting a parent row (a project, a customer, a segment, an
 * automation) checks or cascades into each referencing table; without an index on the referencing columns,
 * each of those is a scan of the whole child table, per parent row: deleting a large project took minutes.
 * The test "indexes every foreign key" reads pg_catalog and names any foreign key added later without one.
 */
const INDEXES: readonly [name: string, table: string, columns: string][] = [
  ["api_keys_created_by_idx", "api_keys", "created_by"],
  ["automation_runs_automation_idx", "automation_runs", "automation_id"],
  ["automations_integration_idx", "automations", "integration_id"],
  ["automations_segment_idx", "automations", "segment_id"],
  // Partitioned per project: created on the parent, so every partition (and each one made later) has it.
  ["customer_embeddings_customer_idx", "customer_embeddings", "customer_id"],
  ["deliveries_customer_idx", "deliveries", "customer_id"],
  ["invitation_inviter_idx", "invitation", '"inviterId"'],
  ["jobs_file_idx", "jobs", "file_id"],
  ["segment_events_customer_idx", "segment_events", "customer_id"],
  ["segment_events_project_idx", "segment_events", "project_id"],
  ["segment_memberships_customer_idx", "segment_memberships", "customer_id"],
  ["segments_base_segment_idx", "segments", "base_segment_id"],
];

export async function up(knex: Knex): Promise<void> {
  for (const [name, table, columns] of INDEXES)
    await knex.raw(`CREATE INDEX IF NOT EXISTS ${name} ON "${table}" (${columns})`);
}

export async function down(knex: Knex): Promise<void> {
  for (const [name] of [...INDEXES].reverse()) await knex.raw(`DROP INDEX IF EXISTS ${name}`);
}
