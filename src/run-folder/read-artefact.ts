import { basename } from 'node:path';
import type { z } from 'zod';
import { CallstormError } from '../errors/callstorm-error.ts';
import { BoundedReadError, forEachLine, readTextBounded } from '../util/bounded-read.ts';
import { describeIssues } from './artefact-issues.ts';
import { RUN_FOLDER_LIMITS, type RunFolderFile } from './run-folder-files.ts';

/** For a folder that is not (or no longer) what `callstorm run` wrote. */
export const RUN_FIX =
  'pass the folder `callstorm run` wrote (it holds manifest.json and calls.jsonl), or run again';
/** For an artefact whose content is wrong. */
export const CORRUPT_FIX =
  'the file was changed after the run wrote it: restore it from the run, or run again (callstorm does not repair run data)';

/** Control characters from a file (or its name) are shown escaped, never sent to the terminal. */
export function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export function artefactError(path: string, reason: string, fix = RUN_FIX): CallstormError {
  return new CallstormError('CS_ERR_RUN_ARTEFACT', { path: printable(path), reason: printable(reason), fix });
}

function limitOf(path: string): number {
  return RUN_FOLDER_LIMITS[basename(path) as RunFolderFile] ?? RUN_FOLDER_LIMITS['manifest.json'];
}

function rethrow(error: unknown): never {
  if (error instanceof BoundedReadError) {
    throw artefactError(error.path, error.reason, error.reason === 'no such file' ? RUN_FIX : CORRUPT_FIX);
  }
  throw error;
}

/** Reads one JSON artefact through its schema; every failure is CS_ERR_RUN_ARTEFACT naming the file. */
export function readJsonArtefact<S extends z.ZodType>(path: string, schema: S, what: string): z.output<S> {
  let text: string;
  try {
    text = readTextBounded(path, limitOf(path));
  } catch (error) {
    rethrow(error);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw artefactError(path, `not valid JSON (${(error as Error).message})`, CORRUPT_FIX);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw artefactError(path, `not ${what}: ${describeIssues(parsed.error.issues)}`, CORRUPT_FIX);
  return parsed.data;
}

export interface JsonlArtefact<S extends z.ZodType> {
  /** The `schema` tag every line carries (`callstorm.call/v1`). */
  readonly tag: string;
  readonly schema: S;
  /** `a call record`: for messages. */
  readonly what: string;
}

/**
 * Streams a JSON Lines artefact, each line through its schema, calling `onRecord` with the line
 * number. A torn last line (no newline after it, not valid JSON: a run killed mid-write) is
 * skipped and reported through the return value; any other bad line is CS_ERR_RUN_ARTEFACT with
 * its line number and the field at fault.
 */
export function readJsonlArtefact<S extends z.ZodType>(
  path: string,
  artefact: JsonlArtefact<S>,
  onRecord: (record: z.output<S>, line: number) => void,
): { tornLastLine: number | null } {
  let torn: number | null = null;
  try {
    forEachLine(
      path,
      { maxBytes: limitOf(path), maxLineBytes: RUN_FOLDER_LIMITS.line },
      (text, line, terminated) => {
        if (text.trim() === '') return;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          if (!terminated) {
            torn = line;
            return;
          }
          throw artefactError(path, `line ${line} is not valid JSON`, CORRUPT_FIX);
        }
        const tag = (value as { schema?: unknown } | null)?.schema;
        if (tag !== artefact.tag) {
          throw artefactError(
            path,
            `line ${line} is not ${artefact.what} (schema ${JSON.stringify(tag ?? null)}, expected "${artefact.tag}")`,
            `this callstorm reads lines of schema ${artefact.tag}: run again with this version, or restore the file`,
          );
        }
        const parsed = artefact.schema.safeParse(value);
        if (!parsed.success) {
          throw artefactError(path, `line ${line}: ${describeIssues(parsed.error.issues)}`, CORRUPT_FIX);
        }
        onRecord(parsed.data, line);
      },
    );
  } catch (error) {
    rethrow(error);
  }
  return { tornLastLine: torn };
}
