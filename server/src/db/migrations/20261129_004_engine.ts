import type { Knex } from "knex";

/** Dimension of customer embeddings: the scaled behaviour features listed in engine/embedding.ts. */
export const EMBEDDING_DIMENSIONS = 6;

/**
 * The Engine's results: per-customer RFM, scores and segment on the customers table, their embeddings beside
 * it; segments (clusters now, rules and hybrids later); and a record of every model run.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("customers", (t) => {
    t.integer("rfm_recency_days");
    t.integer("rfm_frequency");
    t.decimal("rfm_monetary", 18, 6);
    t.double("return_rate");
    t.smallint("rfm_r_score");
    t.smallint("rfm_f_score");
    t.smallint("rfm_m_score");
    t.uuid("segment_id");
    t.text("segment_label");
    t.double("churn_score");
    t.text("churn_risk");
    t.text("abc_category");
    t.double("uplift_score");
    t.double("predicted_clv");
    t.timestamp("scored_at", { useTz: true });
  });
  await knex.raw("CREATE INDEX customers_project_segment ON customers (project_id, segment_id)");

  // Embeddings live beside the customers, not in their table: every row version of a table with an HNSW index
  // costs an index insertion, and customers are rewritten by every run (RFM, scores). m = 8 /
  // ef_construction = 32 keep insertions cheap; six dimensions need no more for recall.
  await knex.schema.createTable("customer_embeddings", (t) => {
    t.uuid("customer_id").primary().references("id").inTable("customers").onDelete("CASCADE");
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.index(["project_id"]);
  });
  await knex.raw(
    `ALTER TABLE customer_embeddings ADD COLUMN embedding vector(${EMBEDDING_DIMENSIONS}) NOT NULL`,
  );
  await knex.raw(
    "CREATE INDEX customer_embeddings_hnsw ON customer_embeddings USING hnsw (embedding vector_cosine_ops) WITH (m = 8, ef_construction = 32)",
  );

  await knex.schema.createTable("segments", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("name").notNullable();
    t.text("kind").notNullable(); // cluster | rule | hybrid
    t.text("description");
    t.jsonb("rules");
    t.uuid("base_segment_id").references("id").inTable("segments").onDelete("SET NULL");
    t.text("combine"); // narrow | widen (hybrid only)
    t.jsonb("centroid"); // cluster only: mean RFM scores and features of the cluster
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp("updated_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(["project_id", "name"]);
  });

  await knex.schema.createTable("model_runs", (t) => {
    t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
    t.uuid("project_id").notNullable().references("id").inTable("projects").onDelete("CASCADE");
    t.text("organization_id").notNullable();
    t.uuid("job_id");
    t.text("kind").notNullable(); // segmentation | predictive
    t.jsonb("parameters").notNullable();
    t.jsonb("metrics").notNullable();
    t.jsonb("durations_ms").notNullable();
    t.jsonb("data_size").notNullable();
    t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(["project_id", "kind", "created_at"]);
    t.index(["organization_id", "created_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("model_runs");
  await knex.schema.dropTable("segments");
  await knex.schema.dropTable("customer_embeddings");
  await knex.raw("DROP INDEX IF EXISTS customers_project_segment");
  await knex.schema.alterTable("customers", (t) => {
    for (const column of [
      "rfm_recency_days",
      "rfm_frequency",
      "rfm_monetary",
      "return_rate",
      "rfm_r_score",
      "rfm_f_score",
      "rfm_m_score",
      "segment_id",
      "segment_label",
      "churn_score",
      "churn_risk",
      "abc_category",
      "uplift_score",
      "predicted_clv",
      "scored_at",
    ]) {
      t.dropColumn(column);
    }
  });
}
