import type { Schema } from "@segmento/sdk";
import { useMemo, useState } from "preact/hooks";
import { type FilePreview, PreviewError, readPreview } from "../lib/file-preview.js";
import {
  CANONICAL_FIELDS,
  type CanonicalField,
  checkMapping,
  detectMapping,
  type Mapping,
} from "../lib/mapping.js";
import { Link } from "../router.js";
import { useApp } from "../state.js";
import { Async, Empty, ErrorNote, Loading } from "../ui/feedback.js";
import { Field, Form, Submit } from "../ui/forms.js";
import { useAction, useLoad } from "../ui/hooks.js";
import { Pager } from "../ui/pager.js";
import { RunProgress } from "../ui/run-progress.js";
import { DataTable, num } from "../ui/table.js";

const REQUIRED_HINT: Partial<Record<CanonicalField, "required" | "orParts">> = {
  customer_id: "required",
  order_date: "required",
  amount: "orParts",
};

export function DataPage() {
  const { t, project } = useApp();
  const [runId, setRunId] = useState<string | undefined>(undefined);
  const [finished, setFinished] = useState(false);
  const [filesRound, setFilesRound] = useState(0);
  return (
    <>
      <h1>{t("nav.data")}</h1>
      <p class="lead">{t("data.intro", { project: project!.name })}</p>
      <Upload
        onAccepted={(runId) => {
          setFinished(false);
          setRunId(runId);
          setFilesRound((n) => n + 1);
        }}
      />
      {runId && (
        <section class="card" aria-labelledby="run-title">
          <h2 id="run-title">{t("data.pipeline")}</h2>
          <RunProgress
            followed={{ run: runId }}
            onDone={() => {
              setFinished(true);
              setFilesRound((n) => n + 1);
            }}
          />
          {finished && (
            <p class="note success" role="status">
              {t("data.finished")} <Link href="/segments">{t("nav.segments")}</Link> ·{" "}
              <Link href="/customers">{t("nav.customers")}</Link>
            </p>
          )}
        </section>
      )}
      <Files round={filesRound} />
    </>
  );
}

function Upload({ onAccepted }: { onAccepted(runId: string): void }) {
  const app = useApp();
  const { t } = app;
  const [file, setFile] = useState<File | undefined>(undefined);
  const [preview, setPreview] = useState<FilePreview | undefined>(undefined);
  const [previewError, setPreviewError] = useState<unknown>(undefined);
  const [reading, setReading] = useState(false);
  const [mapping, setMapping] = useState<Mapping | undefined>(undefined);
  const [detected, setDetected] = useState<Mapping | undefined>(undefined);
  const [skipInvalidRows, setSkipInvalidRows] = useState(false);

  const choose = async (chosen: File | undefined) => {
    setFile(chosen);
    setPreview(undefined);
    setMapping(undefined);
    setPreviewError(undefined);
    if (!chosen) return;
    setReading(true);
    try {
      const read = await readPreview(chosen);
      const guess = detectMapping(read.headers);
      setPreview(read);
      setDetected(guess);
      setMapping(guess);
    } catch (error) {
      setPreviewError(error);
    } finally {
      setReading(false);
    }
  };

  const upload = useAction(async () => {
    if (!file || !mapping) return;
    const accepted = await app.client.files.upload(app.project!.id, {
      file,
      mapping,
      skipInvalidRows,
      ...(preview?.delimiter && { delimiter: preview.delimiter }),
    });
    onAccepted(accepted.run_id);
    setFile(undefined);
    setPreview(undefined);
    setMapping(undefined);
  });

  const check = useMemo(
    () => (preview && mapping ? checkMapping(preview.headers, mapping) : undefined),
    [preview, mapping],
  );
  const headers = preview?.headers.map((h) => h.trim()).filter(Boolean) ?? [];
  const sample = (column: string) => {
    const index = preview?.headers.findIndex((h) => h.trim() === column) ?? -1;
    return index < 0 ? "" : (preview?.rows.map((row) => row[index] ?? "").find((v) => v !== "") ?? "");
  };

  return (
    <section class="card" aria-labelledby="upload-title">
      <h2 id="upload-title">{t("data.upload")}</h2>
      <Form onSubmit={() => upload.run()}>
        <Field label={t("data.file")} hint={t("data.fileHint")}>
          <input
            type="file"
            name="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => void choose(e.currentTarget.files?.[0])}
          />
        </Field>
        {reading && <Loading label={t("data.reading")} />}
        {previewError !== undefined && (
          <div class="note error" role="alert">
            {previewError instanceof PreviewError
              ? t(`preview.${previewError.message as "not_xlsx" | "no_header" | "no_sheet"}`)
              : String(previewError)}
          </div>
        )}
        {preview && mapping && (
          <>
            <h3>{t("data.mapping")}</h3>
            <p class="meta">{t("data.mappingHint")}</p>
            <table class="mapping">
              <caption class="visually-hidden">{t("data.mapping")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("data.field")}</th>
                  <th scope="col">{t("data.column")}</th>
                  <th scope="col">{t("data.sample")}</th>
                </tr>
              </thead>
              <tbody>
                {CANONICAL_FIELDS.map((field) => (
                  <tr key={field} class={mapping[field] !== detected?.[field] ? "changed" : undefined}>
                    <th scope="row">
                      <code>{field}</code>
                      {REQUIRED_HINT[field] && <span class="meta"> {t(`data.${REQUIRED_HINT[field]}`)}</span>}
                    </th>
                    <td>
                      <select
                        aria-label={t("data.columnFor", { field })}
                        name={`mapping.${field}`}
                        value={mapping[field]}
                        onChange={(e) => setMapping({ ...mapping, [field]: e.currentTarget.value })}
                      >
                        <option value="">{t("data.notInFile")}</option>
                        {headers.map((h) => (
                          <option key={h} value={h}>
                            {h}
                          </option>
                        ))}
                      </select>
                      {mapping[field] !== detected?.[field] && <span class="badge">{t("data.changed")}</span>}
                    </td>
                    <td class="sample">{mapping[field] ? sample(mapping[field]) : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {check && check.extra.length > 0 && (
              <p class="meta">{t("data.extra", { columns: check.extra.join(", ") })}</p>
            )}
            {check && check.problems.length > 0 && (
              <div class="note warn" role="status">
                <p>{t("data.problems")}</p>
                <ul>
                  {check.problems.map((p) => (
                    <li key={`${p.field}:${p.rule}`}>
                      <code>{p.field}</code>: {t(problemKey(p.rule))}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <label class="check">
              <input
                type="checkbox"
                checked={skipInvalidRows}
                onChange={(e) => setSkipInvalidRows(e.currentTarget.checked)}
              />
              {t("data.skipInvalid")}
            </label>
            <ErrorNote error={upload.error} title={t("data.uploadFailed")} />
            <Submit pending={upload.pending}>
              {upload.pending ? t("data.uploading") : t("data.send", { name: file?.name ?? "" })}
            </Submit>
          </>
        )}
      </Form>
    </section>
  );
}

function problemKey(rule: string) {
  if (rule === "required_column") return "data.problem.required" as const;
  if (rule === "duplicate_column") return "data.problem.duplicate" as const;
  if (rule === "column_not_found") return "data.problem.notFound" as const;
  return "data.problem.other" as const;
}

const FILES_PER_PAGE = 10;

function Files({ round }: { round: number }) {
  const { client, project, t } = useApp();
  const [page, setPage] = useState(1);
  const files = useLoad(
    () => client.files.list(project!.id, { page, limit: FILES_PER_PAGE }),
    [project!.id, page, round],
  );
  return (
    <section class="card" aria-labelledby="files-title">
      <h2 id="files-title">{t("data.files")}</h2>
      <Async state={files}>
        {(list) =>
          list.total === 0 ? (
            <Empty title={t("data.noFiles")}>
              <p>{t("data.noFilesBody")}</p>
            </Empty>
          ) : (
            <>
              <DataTable
                columns={[
                  t("data.fileName"),
                  t("data.source"),
                  t("data.status"),
                  num(t("data.rows")),
                  num(t("data.skipped")),
                  t("data.uploaded"),
                ]}
              >
                {list.files.map((file) => (
                  <FileRow key={file.id} file={file} />
                ))}
              </DataTable>
              <Pager page={list.page} pages={list.pages} total={list.total} onPage={setPage} />
            </>
          )
        }
      </Async>
    </section>
  );
}

function FileRow({ file }: { file: Schema<"File"> }) {
  const { t, fmt } = useApp();
  return (
    <>
      <tr>
        <td>{file.name}</td>
        <td>{t(`source.${file.source}`)}</td>
        <td>
          <span class={`pill ${file.status}`}>{t(`status.${file.status}`)}</span>
        </td>
        <td class="num">{file.rowCount === null ? "—" : fmt.number(file.rowCount)}</td>
        <td class="num">{fmt.number(file.skippedRows)}</td>
        <td>{fmt.dateTime(file.createdAt)}</td>
      </tr>
      {file.errorMessage && (
        <tr class="error-row">
          <td colSpan={6}>
            <ErrorLines text={file.errorMessage} />
          </td>
        </tr>
      )}
    </>
  );
}

/** A failed file's message; its "line N: ..." parts on lines of their own. */
function ErrorLines({ text }: { text: string }) {
  const parts = text.split(/;\s*(?=line \d+)/);
  return (
    <ul class="error-lines">
      {parts.map((part) => (
        <li key={part}>{part}</li>
      ))}
    </ul>
  );
}
