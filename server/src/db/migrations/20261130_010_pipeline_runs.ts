import type { Knex } from "knex";

/**
 * Pipeline runs and a queue that cannot lose a job.
 * - pipeline_runs: one per accepted ingest batch, upload or manual re-run; run_jobs links a run to the jobs of
 *   its stages (a debounced segmentation shared by several batches belongs to each of their runs).
 * - jobs become their own outbox: a row is written in the same transaction as whatever caused it, and
 *   `enqueued_at` records when the queue took it; a relay hands over rows the queue never got. Debouncing moves
 *   into the table (`debounce_key`, `run_after`), so both runners debounce the same way.
 * - jobs keep their organization and outlive a deleted project (project deletion is itself a job).
 * - projects carry a lease: one pipeline stage of a project runs at a time, across every worker process.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("jobs", (t) => {
    t.text("organization_id").references("id").inTable("organization").onDelete("CASCADE");
    t.timestamp("run_after", { useTz: true });
    t.text("debounce_key");
    t.timestamp("enqueued_at", { useTz: true });
    t.text("skip_code"); // why a skipped job did not apply, e.g. quota_exceeded
  });
  await knex.raw(
    `UPDATE jobs SET organization_id = p.organization_id, enqueued_at = jobs.created_at
       FROM projects p WHERE p.id = jobs.project_id`,
  );
  await knex.raw("ALTER TABLE jobs ALTER COLUMN organization_id SET NOT NULL");
  await knex.raw("ALTER TABLE jobs ALTER COLUMN project_id DROP NOT NULL");
  await knex.raw("ALTER TABLE jobs DROP CONSTRAINT jobs_project_id_foreign");
  await knex.raw(
    "ALTER TABLE jobs ADD CONSTRAINT jobs_project_id_foreign FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE SET NULL",
  );
  await knex.raw("CREATE INDEX jobs_organization_idx ON jobs (organization_id)");
  await knex.raw(
    "CREATE UNIQUE INDEX jobs_debounce_queued ON jobs (debounce_key) WHERE status = 'queued' AND debounce_key IS NOT NULL",
  );
  await knex.raw("CREATE INDEX jobs_outbox ON jobs (created_at) WHERE enqueued_at IS NULL");

  await knex.schema.alterTable("projects", (t) => {
    t.text("status").notNullable().defaultTo("active"); // active | deleting
    t.uuid("lease_job_id");
    t.timestamp("lease_until", { useTz: true });
  });

  await knex.schema.createTable("pipeline_runs", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("trigger").notNullable(); // ingest | upload | segmentation
    t.text("status").notNullable().defaultTo("queued"); // queued | processing | completed | failed | skipped
    t.text("message").notNullable().defaultTo("Queued");
    t.text("skip_code"); // why a stage was skipped, e.g. quota_exceeded
    // An open run takes more batches (a multi-batch send); its segmentation waits until it closes.
    t.boolean("open").notNullable().defaultTo(false);
    t.timestamp("closes_at", { useTz: true });
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("finished_at", { useTz: true });
    t.index(["project_id", "created_at"]);
  });
  await knex.raw("CREATE INDEX pipeline_runs_open_idx ON pipeline_runs (closes_at) WHERE open");

  await knex.schema.createTable("run_jobs", (t) => {
    t.uuid("run_id").notNullable().references("id").inTable("pipeline_runs").onDelete("CASCADE");
    t.uuid("job_id").notNullable().references("id").inTable("jobs").onDelete("CASCADE");
    t.text("stage").notNullable();
    t.primary(["run_id", "job_id"]);
    t.index(["job_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("run_jobs");
  await knex.schema.dropTable("pipeline_runs");
  await knex.schema.alterTable("projects", (t) => {
    t.dropColumn("status");
    t.dropColumn("lease_job_id");
    t.dropColumn("lease_until");
  });
  await knex.raw("DROP INDEX jobs_outbox");
  await knex.raw("DROP INDEX jobs_debounce_queued");
  await knex.raw("DROP INDEX jobs_organization_idx");
  await knex.raw("DELETE FROM jobs WHERE project_id IS NULL");
  await knex.raw("ALTER TABLE jobs DROP CONSTRAINT jobs_project_id_foreign");
  await knex.raw(
    "ALTER TABLE jobs ADD CONSTRAINT jobs_project_id_foreign FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE CASCADE",
  );
  await knex.raw("ALTER TABLE jobs ALTER COLUMN project_id SET NOT NULL");
  await knex.schema.alterTable("jobs", (t) => {
    t.dropColumn("organization_id");
    t.dropColumn("run_after");
    t.dropColumn("debounce_key");
    t.dropColumn("enqueued_at");
    t.dropColumn("skip_code");
  });
}
