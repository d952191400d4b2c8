import type { Knex } from "knex";
import { EMBEDDING_DIMENSIONS } from "./20261129_004_engine.js";

/**
 * Customer embeddings partitioned by project (LIST on project_id), each partition with its own HNSW index.
 * One global index made every segmentation insert each embedding into the graph one row at a time (100k rows:
 * 32 s, against 0.08 s into a table without the index and 4.6 s to build the index afterwards), and a bulk
 * rebuild could not drop an index other projects were reading. Now a bulk write loads a new table without the
 * index, builds the index once, and swaps it in as the project's partition (db/customer-embeddings.ts); a
 * similar-customers query prunes to its project's partition and walks that graph only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw("ALTER TABLE customer_embeddings RENAME TO customer_embeddings_unpartitioned");
  await knex.raw(
    `CREATE TABLE customer_embeddings (
       customer_id uuid NOT NULL,
       project_id uuid NOT NULL,
       embedding vector(${EMBEDDING_DIMENSIONS}) NOT NULL
     ) PARTITION BY LIST (project_id)`,
  );
  const projects: string[] = await knex("customer_embeddings_unpartitioned").distinct().pluck("project_id");
  for (const projectId of projects) {
    await knex.raw(
      `CREATE TABLE ${embeddingPartitionPrefix(projectId)}0 PARTITION OF customer_embeddings FOR VALUES IN ('${projectId}')`,
    );
  }
  await knex.raw(
    "INSERT INTO customer_embeddings SELECT customer_id, project_id, embedding FROM customer_embeddings_unpartitioned",
  );
  await knex.raw("DROP TABLE customer_embeddings_unpartitioned");
  await knex.raw("ALTER TABLE customer_embeddings ADD PRIMARY KEY (project_id, customer_id)");
  // The project is implied: a customer's embedding lives in its own project's partition, and goes with it.
  await knex.raw(
    "ALTER TABLE customer_embeddings ADD FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE",
  );
  await knex.raw(
    `CREATE INDEX customer_embeddings_hnsw ON customer_embeddings USING hnsw (embedding vector_cosine_ops) ${HNSW_OPTIONS}`,
  );
}

/**
 * The graph's build parameters: m = 8 / ef_construction = 32 keep the build cheap; six dimensions need no more
 * for recall (see SIMILAR_EF_SEARCH in db/customers.ts for the search side).
 */
export const HNSW_OPTIONS = "WITH (m = 8, ef_construction = 32)";

/** Partitions of a project are named `cemb_<project id without dashes>_<generation>`. */
export const embeddingPartitionPrefix = (projectId: string) => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(projectId))
    throw new Error(`not a project id: ${projectId}`);
  return `cemb_${projectId.replace(/-/g, "").toLowerCase()}_`;
};

export async function down(knex: Knex): Promise<void> {
  await knex.raw("ALTER TABLE customer_embeddings RENAME TO customer_embeddings_partitioned");
  await knex.raw(
    `CREATE TABLE customer_embeddings (
       customer_id uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
       project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
       embedding vector(${EMBEDDING_DIMENSIONS}) NOT NULL
     )`,
  );
  await knex.raw(
    "INSERT INTO customer_embeddings SELECT customer_id, project_id, embedding FROM customer_embeddings_partitioned",
  );
  await knex.raw("DROP TABLE customer_embeddings_partitioned CASCADE");
  await knex.raw("CREATE INDEX customer_embeddings_project_id_index ON customer_embeddings (project_id)");
  await knex.raw(
    `CREATE INDEX customer_embeddings_hnsw ON customer_embeddings USING hnsw (embedding vector_cosine_ops) ${HNSW_OPTIONS}`,
  );
}
